package org.opsbot.bot.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the bot within Slack's rate limits before Slack has to say so: token buckets per key
 * (all updates, all ephemeral messages, …) and pauses ordered by a 429's Retry-After. Posts
 * are paced per channel by {@link ChannelPacing}.
 */
final class SendRates {
    // chat.update is rate tier 3: about 50 a minute for the workspace.
    static final Bucket UPDATES = new Bucket(10, 50.0 / 60);
    // chat.postEphemeral is tier 4: 100+ a minute.
    static final Bucket EPHEMERALS = new Bucket(20, 100.0 / 60);

    // conversations.create and the files.* calls are tier 2 / tier 4; these are rare, stay low.
    static final Bucket CHANNELS = new Bucket(3, 20.0 / 60);
    static final Bucket FILES = new Bucket(3, 20.0 / 60);

    // views.publish is tier 4 (100+ a minute); one person's Home is refreshed at most every few seconds anyway.
    static final Bucket VIEWS = new Bucket(10, 100.0 / 60);

    // usergroups.users.update is tier 2 (20+ a minute); a group changes at a hand-off or an override.
    static final Bucket USERGROUPS = new Bucket(3, 20.0 / 60);

    record Bucket(int capacity, double perSecond) {
    }

    private final Clock clock;
    private final Map<String, State> states = new HashMap<>();

    private static final class State {
        double tokens;
        long refilledAt;
        long pausedUntil;
    }

    SendRates(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes a token for {@code key} if one is free and answers zero; otherwise answers how
     * long until one will be (nothing is taken then).
     */
    synchronized Duration take(String key, Bucket bucket) {
        long now = clock.millis();
        State s = states.computeIfAbsent(key, k -> {
            State fresh = new State();
            fresh.tokens = bucket.capacity();
            fresh.refilledAt = now;
            return fresh;
        });
        if (s.pausedUntil > now) {
            return Duration.ofMillis(s.pausedUntil - now);
        }
        s.tokens = Math.min(bucket.capacity(), s.tokens + (now - s.refilledAt) / 1000.0 * bucket.perSecond());
        s.refilledAt = now;
        if (s.tokens >= 1) {
            s.tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil((1 - s.tokens) / bucket.perSecond() * 1000));
    }

    /** Slack said 429: nothing more for {@code key} until {@code retryAfter} has passed. */
    synchronized void pause(String key, Duration retryAfter) {
        State s = states.computeIfAbsent(key, k -> new State());
        s.tokens = 0;
        s.refilledAt = clock.millis() + retryAfter.toMillis();
        s.pausedUntil = Math.max(s.pausedUntil, clock.millis() + retryAfter.toMillis());
    }
}
