package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.OnCallOverride;

import java.util.function.Supplier;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ops override <team> <@user> <duration>}: {@code user} takes the team's on-call
 * schedule (the first schedule its escalation notifies) from now for {@code duration}. It ends
 * by itself; the team's channel is told.
 */
final class OverrideCommand implements OpsCommand {
    static final String PERMISSION = "override";
    // With should_escape, Slack sends a mention as <@U123|name>; typed ids are accepted too.
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]+)(?:\\|[^>]*)?>|([UW][A-Z0-9]{6,})");

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;

    OverrideCommand(Supplier<OpsbotConfig> config, Overrides overrides) {
        this.config = config;
        this.overrides = overrides;
    }

    @Override
    public String name() {
        return "override";
    }

    @Override
    public String usage() {
        return "<team> <@user> <duration>";
    }

    @Override
    public String summary() {
        return "puts someone on call for a team for a while (e.g. `2h`, `1d`)";
    }

    @Override
    public Optional<String> permission() {
        return Optional.of(PERMISSION);
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        if (invocation.args().size() != 3) {
            throw new UsageException("`override` needs a team, a person and how long.");
        }
        Team team = config.get().teams().get(invocation.args().get(0));
        if (team == null) {
            throw new UsageException("There is no team " + SlackText.code(invocation.args().get(0), 40) + ". Teams: "
                    + SlackText.escape(String.join(", ", config.get().teams().keySet())) + ".");
        }
        Matcher mention = MENTION.matcher(invocation.args().get(1));
        if (!mention.matches()) {
            throw new UsageException(SlackText.code(invocation.args().get(1), 60) + " is not a person: mention them, like `@alice`.");
        }
        String user = mention.group(1) != null ? mention.group(1) : mention.group(2);
        Duration duration;
        try {
            duration = Durations.parse(invocation.args().get(2));
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.code(invocation.args().get(2), 40) + " is not a duration; write e.g. `30m`, `2h`, `1d`.");
        }
        Overrides.Created created;
        try {
            created = overrides.create(team, user, duration, invocation.userId());
        } catch (Overrides.Refused refused) {
            throw new UsageException(switch (refused.reason()) {
                case DURATION -> "An override lasts between a minute and 31 days.";
                case NO_SCHEDULE -> "Team " + SlackText.code(team.name())
                        + " pages no on-call schedule (no `schedule:` in its escalation tiers), so there is nothing to override.";
            });
        }
        Schedule schedule = created.schedule();
        OnCallOverride override = created.override();
        Optional<Shift> before = created.before();

        OnCallText text = OnCallText.slack();
        // The person named is the one mention a command that takes a person writes (from the id it parsed).
        String instead = before.map(s -> s.user().equals(user) ? "" : ", instead of " + SlackText.user(s.user())).orElse("");
        String announcement = ":arrows_counterclockwise: " + SlackText.user(user) + " is on call for *" + SlackText.escape(team.name())
                + "* (schedule " + SlackText.code(schedule.name()) + ") until " + text.time(override.until()) + instead
                + ". Set by " + SlackText.user(invocation.userId()) + ".";
        String channel = team.channel().or(() -> config.get().slack().defaultChannel()).orElse(invocation.channelId());
        invocation.outbox().post(channel, SlackMessage.text(announcement));
        return CommandReply.ephemeral("Done: " + announcement.substring(announcement.indexOf(' ') + 1)
                + (channel.equals(invocation.channelId()) ? "" : " I told " + SlackText.channel(channel) + "."));
    }
}
