package org.opsbot.bot.alerts;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.model.StoredAlertGroup;

import java.util.List;
import java.util.Optional;

/** {@code /ops alerts [team]}: the open alert groups, newest first, with their state. */
final class AlertListCommand implements OpsCommand {
    private static final int LIMIT = 25;

    private final Alerts alerts;

    AlertListCommand(Alerts alerts) {
        this.alerts = alerts;
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public String usage() {
        return "[team|all]";
    }

    @Override
    public String summary() {
        return "open alert groups with their state";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        Optional<String> named = invocation.args().stream().findFirst();
        Optional<String> team = invocation.teamOr(named);
        // Said when the list was narrowed to the caller's team without their asking.
        String yours = named.isEmpty() && team.isPresent() ? " (your team; `/ops alerts all` lists every team's)" : "";
        if (team.isPresent() && !alerts.config().teams().containsKey(team.get())) {
            throw new UsageException("There is no team `" + SlackText.plain(team.get(), 40) + "`. Teams: "
                    + String.join(", ", alerts.config().teams().keySet()) + ".");
        }
        List<StoredAlertGroup> open = alerts.open(team, LIMIT + 1);
        if (open.isEmpty()) {
            return CommandReply.ephemeral(":white_check_mark: No open alert groups" + team.map(t -> " for " + t).orElse("") + "."
                    + yours);
        }
        StringBuilder text = new StringBuilder("*Open alert groups" + team.map(t -> " of " + t).orElse("") + "*" + yours);
        for (StoredAlertGroup g : open.subList(0, Math.min(LIMIT, open.size()))) {
            text.append("\n`").append(g.id()).append("` ")
                    .append(g.lifecycle().ackedBy() == null ? ":rotating_light: FIRING"
                            : ":eyes: ACKNOWLEDGED by " + SlackText.user(g.lifecycle().ackedBy()))
                    .append(g.severity() == null ? "" : " · " + SlackText.plain(g.severity(), 20))
                    .append(" · *").append(SlackText.plain(g.title(), 80)).append("* · ").append(SlackText.plain(g.route().team(), 40))
                    .append(" · since ").append(SlackText.date(g.openedAt()))
                    .append(g.mutes().snoozedUntil() != null ? " · :zzz: until " + SlackText.date(g.mutes().snoozedUntil()) : "")
                    .append(g.mutes().silenceId() != null ? " · :mute: silenced" : "");
        }
        if (open.size() > LIMIT) {
            text.append("\n…and more; `/ops alerts <team>` narrows the list.");
        }
        return CommandReply.ephemeral(text.toString());
    }
}
