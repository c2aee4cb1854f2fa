package org.opsbot.bot.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each Slack channel within {@code chat.postMessage}'s limit (about one message a second
 * per channel, short bursts allowed) before Slack has to say so, whichever lanes post there:
 *
 * <ul>
 *   <li>One pace per channel, however it is named: a {@code #name} or a user id shares its pace
 *       with the channel id Slack answered for it ({@link #alias}).</li>
 *   <li>One post at a time per channel, and the next leaves a second after the previous one's
 *       answer came back, not after it left: the time a post spends on the way never counts, so
 *       two posts cannot reach Slack less than a second apart however long each took. (Counted
 *       from when they leave, a slow post and a quick one after it arrive together.) After a
 *       quiet spell a few may follow each other at once, as Slack allows.</li>
 *   <li>Top-level posts first: a thread note waits while a top-level post to its channel waits,
 *       so an alert storm's messages reach the channel before the notes in their threads.</li>
 *   <li>Slack's 429 pauses the channel for its Retry-After.</li>
 * </ul>
 */
final class ChannelPacing {
    // Posts that may follow each other without the second's wait after a quiet spell.
    static final int BURST = 3;
    static final Duration SPACING = Duration.ofSeconds(1);

    private final Clock clock;
    private final Map<String, State> channels = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();

    private static final class State {
        double turns = BURST;
        long countedFrom;
        int posting;
        int waitingTopLevel;
        long pausedUntil;
    }

    ChannelPacing(Clock clock) {
        this.clock = clock;
    }

    /**
     * A post's place in {@code channel}'s pace, to be closed once its answer is in (or it was
     * handed back): {@link Place#turn()} until it answers zero, then post.
     */
    synchronized Place queue(String channel, boolean threadNote) {
        State state = channels.computeIfAbsent(ids.getOrDefault(channel, channel), c -> {
            State fresh = new State();
            fresh.countedFrom = clock.millis();
            return fresh;
        });
        if (!threadNote) {
            state.waitingTopLevel++;
        }
        return new Place(state, threadNote);
    }

    /** Slack answered {@code id} for a post to {@code channel}: both names now share one pace. */
    synchronized void alias(String channel, String id) {
        if (channel == null || id == null || channel.equals(id) || id.equals(ids.get(channel))) {
            return;
        }
        ids.put(channel, id);
        State named = channels.remove(channel);
        if (named != null) {
            channels.putIfAbsent(id, named);
        }
    }

    /** Slack said 429: nothing more to {@code channel} until {@code retryAfter} has passed. */
    synchronized void pause(String channel, Duration retryAfter) {
        State state = channels.get(ids.getOrDefault(channel, channel));
        if (state != null) {
            long until = clock.millis() + retryAfter.toMillis();
            state.pausedUntil = Math.max(state.pausedUntil, until);
            state.turns = 0;
            state.countedFrom = Math.max(state.countedFrom, until);
        }
    }

    /** One post's place in its channel's pace. */
    final class Place implements AutoCloseable {
        private final State state;
        private final boolean threadNote;
        private boolean waiting;
        private boolean posting;

        private Place(State state, boolean threadNote) {
            this.state = state;
            this.threadNote = threadNote;
            this.waiting = !threadNote;
        }

        /**
         * Zero when the post may leave now (the turn is taken); otherwise how long at least
         * until it may.
         */
        Duration turn() {
            synchronized (ChannelPacing.this) {
                if (posting) {
                    return Duration.ZERO;
                }
                long now = clock.millis();
                if (state.pausedUntil > now) {
                    return Duration.ofMillis(state.pausedUntil - now);
                }
                if (state.posting > 0) {
                    // The next turn comes a second after that post's answer, at the earliest.
                    return SPACING;
                }
                state.turns = Math.min(BURST, state.turns + (double) Math.max(0, now - state.countedFrom) / SPACING.toMillis());
                state.countedFrom = Math.max(state.countedFrom, now);
                long untilTurn = (long) Math.ceil((1 - state.turns) * SPACING.toMillis());
                if (threadNote && state.waitingTopLevel > 0) {
                    return Duration.ofMillis(Math.max(untilTurn, SPACING.toMillis()));
                }
                if (state.turns < 1) {
                    return Duration.ofMillis(untilTurn);
                }
                state.turns -= 1;
                state.posting++;
                posting = true;
                leaveQueue();
                return Duration.ZERO;
            }
        }

        private void leaveQueue() {
            if (waiting) {
                waiting = false;
                state.waitingTopLevel--;
            }
        }

        /** The post's answer is in, or it never left: the channel's next turns count from now. */
        @Override
        public void close() {
            synchronized (ChannelPacing.this) {
                leaveQueue();
                if (posting) {
                    posting = false;
                    state.posting--;
                    // The next turn counts from now; a part of one accrued while this post waited
                    // for its turn (it was woken late) must not shorten that second.
                    state.countedFrom = Math.max(state.countedFrom, clock.millis());
                    state.turns = Math.floor(state.turns);
                }
            }
        }
    }
}
