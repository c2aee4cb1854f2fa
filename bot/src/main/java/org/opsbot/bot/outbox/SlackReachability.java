package org.opsbot.bot.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Whether the bot's last calls reached Slack. Reported on /health/ready but never gating it:
 * while Slack is away the outbox holds the messages, so the bot must stay in rotation.
 */
public final class SlackReachability {

    public enum State { REACHABLE, UNREACHABLE, UNKNOWN, DRY_RUN }

    /** @param since when the state began; {@code lastError} why Slack is unreachable */
    public record Status(State state, Instant since, String lastError) {
    }

    private final Clock clock;
    private volatile Status status;
    // Channel (as named by the bot's callers) → why the bot cannot post there.
    private final Map<String, String> cannotPost = new ConcurrentSkipListMap<>();

    SlackReachability(Clock clock, boolean dryRun) {
        this.clock = clock;
        this.status = new Status(dryRun ? State.DRY_RUN : State.UNKNOWN, clock.instant(), null);
    }

    public Status status() {
        return status;
    }

    /**
     * Channels the bot's last post could not reach until a person acts (invites the bot):
     * warnings, never a reason to take the bot out of rotation.
     */
    public Map<String, String> cannotPostIn() {
        return Map.copyOf(cannotPost);
    }

    void cannotPostIn(String channel, String why) {
        cannotPost.put(channel, why);
    }

    void canPostIn(String channel) {
        cannotPost.remove(channel);
    }

    void reached() {
        if (status.state() != State.REACHABLE && status.state() != State.DRY_RUN) {
            status = new Status(State.REACHABLE, clock.instant(), null);
        }
    }

    void unreachable(String why) {
        Status s = status;
        if (s.state() == State.DRY_RUN) {
            return;
        }
        status = new Status(State.UNREACHABLE, s.state() == State.UNREACHABLE ? s.since() : clock.instant(), why);
    }
}
