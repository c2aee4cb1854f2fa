package org.opsbot.bot.outbox;

import java.time.Clock;
import java.time.Instant;

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

    SlackReachability(Clock clock, boolean dryRun) {
        this.clock = clock;
        this.status = new Status(dryRun ? State.DRY_RUN : State.UNKNOWN, clock.instant(), null);
    }

    public Status status() {
        return status;
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
