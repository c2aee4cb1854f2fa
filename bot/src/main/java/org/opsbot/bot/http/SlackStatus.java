package org.opsbot.bot.http;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the bot can reach Slack's Web API, as {@code /health/ready} reports it. Reported,
 * never gating: the outbox waits a Slack outage out, so taking the bot out of rotation would
 * only lose the alert webhooks that keep arriving.
 */
public record SlackStatus(State state, Optional<Instant> since, Map<String, String> cannotPostIn, java.util.List<String> warnings) {

    public SlackStatus(State state, Optional<Instant> since, Map<String, String> cannotPostIn) {
        this(state, since, cannotPostIn, java.util.List.of());
    }

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
        return new SlackStatus(state, since, Map.copyOf(channels), warnings);
    }

    /** With other problems people must fix in Slack (a scope the app lacks): warnings only. */
    public SlackStatus withWarnings(java.util.List<String> more) {
        java.util.List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new SlackStatus(state, since, cannotPostIn, java.util.List.copyOf(all));
    }
}
