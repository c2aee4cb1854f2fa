package org.opsbot.bot.heartbeats;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.heartbeat.Heartbeats;

import java.util.List;

/**
 * {@code /ops heartbeats}: each heartbeat, its last check-in and whether it is overdue. Times
 * are Slack dates, so each reader sees them in their own time zone.
 */
final class HeartbeatsCommand implements OpsCommand {
    private final Heartbeats heartbeats;

    HeartbeatsCommand(Heartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    @Override
    public String name() {
        return "heartbeats";
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public String summary() {
        return "each heartbeat and its last check-in";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) {
        List<Heartbeats.Status> all = heartbeats.statuses();
        if (all.isEmpty()) {
            return CommandReply.ephemeral("No heartbeats are configured. Add them under `heartbeats:` in opsbot.yaml;"
                    + " each checks in with `POST /heartbeats/<name>`.");
        }
        StringBuilder text = new StringBuilder("*Heartbeats*");
        for (Heartbeats.Status s : all) {
            text.append("\n").append(s.overdue() ? ":rotating_light: MISSED" : ":white_check_mark: OK")
                    .append(" · *").append(SlackText.plain(s.heartbeat().name(), 80)).append("* · ")
                    .append(SlackText.plain(s.heartbeat().team(), 40))
                    .append(" · every ").append(Durations.format(s.heartbeat().every()))
                    .append(s.heartbeat().grace().isZero() ? "" : " +" + Durations.format(s.heartbeat().grace()))
                    .append(" · last check-in ").append(s.lastBeat().map(SlackText::date).orElse("never"))
                    .append(s.overdue() ? " · overdue since " : " · due by ").append(SlackText.date(s.dueBy()));
        }
        return CommandReply.ephemeral(text.toString());
    }
}
