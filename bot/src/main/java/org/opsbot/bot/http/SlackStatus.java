package org.opsbot.bot.http;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the bot can reach Slack's Web API, as {@code /health/ready} reports it. Reported,
 * never gating: the outbox waits a Slack outage out, so taking the bot out of rotation would
 * only lose the alert webhooks that keep arriving.
 */
public record SlackStatus(State state, Optional<Instant> since, Map<String, String> cannotPostIn) {

    public enum State { REACHABLE, UNREACHABLE, DRY_RUN }

    public static SlackStatus reachable() {
        return new SlackStatus(State.REACHABLE, Optional.empty(), Map.of());
    }

    public static SlackStatus unreachableSince(Instant since) {
        return new SlackStatus(State.UNREACHABLE, Optional.of(since), Map.of());
    }

    public static SlackStatus dryRun() {
        return new SlackStatus(State.DRY_RUN, Optional.empty(), Map.of());
    }

    /** With the channels the bot cannot post in (channel → why and how to fix it): warnings only. */
    public SlackStatus withCannotPostIn(Map<String, String> channels) {
        return new SlackStatus(state, since, Map.copyOf(channels));
    }
}
