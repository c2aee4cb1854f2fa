package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.yaml.Suggestions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * {@code /ops schedule [name] [weeks]}: the next shifts of a schedule, one line each, with
 * overrides and gaps marked; times are Slack date tokens, so each reader sees their own zone.
 * {@code /ops schedule url} gives the caller the address of their own calendar feed, only to them.
 */
final class ScheduleCommand implements OpsCommand {
    static final int DEFAULT_WEEKS = 2;
    static final int MAX_WEEKS = 8;
    /** Lines in one answer; a longer schedule is cut with a word on how to see less. */
    private static final int MAX_LINES = 120;

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final CalendarTokens tokens;
    private final Optional<String> publicUrl;
    private final Clock clock;

    ScheduleCommand(Supplier<OpsbotConfig> config, Overrides overrides, CalendarTokens tokens, Optional<String> publicUrl, Clock clock) {
        this.config = config;
        this.overrides = overrides;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "schedule";
    }

    @Override
    public String usage() {
        return "[schedule] [weeks] · url";
    }

    @Override
    public String summary() {
        return "the next shifts of an on-call schedule (default two weeks), overrides and gaps marked; `url`: your calendar feed";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        List<String> args = invocation.args();
        if (args.size() == 1 && args.getFirst().equalsIgnoreCase("url")) {
            return url(invocation.userId());
        }
        if (args.size() > 2) {
            throw new UsageException("Name one schedule and how many weeks, e.g. `/ops schedule cdc-primary 4`.");
        }
        Schedule schedule;
        int weeks = DEFAULT_WEEKS;
        List<String> rest = args;
        if (!rest.isEmpty() && !rest.getFirst().matches("\\d+")) {
            schedule = schedule(rest.getFirst());
            rest = rest.subList(1, rest.size());
        } else if (config.get().schedules().size() == 1) {
            schedule = config.get().schedules().values().iterator().next();
        } else if (config.get().schedules().isEmpty()) {
            return CommandReply.ephemeral("_No schedules are configured in opsbot.yaml._ See docs/schedules.md.");
        } else {
            throw new UsageException("Which schedule? " + known() + " e.g. " + SlackText.code("/ops schedule "
                    + config.get().schedules().keySet().iterator().next()) + ".");
        }
        if (!rest.isEmpty()) {
            try {
                weeks = Integer.parseInt(rest.getFirst());
            } catch (NumberFormatException e) {
                weeks = -1;
            }
            if (weeks < 1 || weeks > MAX_WEEKS) {
                throw new UsageException(SlackText.code(rest.getFirst(), 20) + " is not a number of weeks from 1 to " + MAX_WEEKS
                        + "; e.g. " + SlackText.code("/ops schedule " + schedule.name() + " 4") + ".");
            }
        }
        return CommandReply.ephemeral(view(schedule, weeks));
    }

    private SlackMessage view(Schedule schedule, int weeks) {
        Instant now = clock.instant();
        Instant until = now.plus(Duration.ofDays(7L * weeks));
        List<OnCallOverride> active = overrides.endingAfter(now);
        List<Line> lines = new ArrayList<>();
        for (Shift shift : Rotation.shifts(schedule, active, now, until)) {
            String who = SlackText.user(shift.user())
                    + shift.override().map(o -> " _(override " + o.id() + " by " + SlackText.user(o.createdBy()) + ")_").orElse("");
            lines.add(new Line(shift.from(), "• " + span(shift.from(), shift.until()) + " " + who));
        }
        for (Rotation.Gap gap : Rotation.gaps(schedule, active, now, until)) {
            lines.add(new Line(gap.from(), "• :warning: " + span(gap.from(), gap.until()) + " *nobody on call (gap)*"));
        }
        lines.sort(Comparator.comparing(Line::from));
        String heading = "*Schedule " + SlackText.escape(schedule.name()) + "* · next " + weeks + (weeks == 1 ? " week" : " weeks")
                + " · " + (schedule.layers().size() == 1 ? "one rotation" : schedule.layers().size() + " layers");
        List<String> shown = lines.stream().limit(MAX_LINES).map(Line::text).toList();
        List<com.slack.api.model.block.LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(heading))));
        // A section holds at most 3,000 characters: the lines go into as many as they need.
        StringBuilder chunk = new StringBuilder();
        for (String line : shown) {
            if (chunk.length() + line.length() + 1 > 2_900) {
                String text = chunk.toString();
                blocks.add(section(s -> s.text(markdownText(text))));
                chunk.setLength(0);
            }
            chunk.append(chunk.isEmpty() ? "" : "\n").append(line);
        }
        if (!chunk.isEmpty()) {
            String text = chunk.toString();
            blocks.add(section(s -> s.text(markdownText(text))));
        }
        long gaps = lines.stream().filter(l -> l.text().contains("(gap)")).count();
        String footer = (lines.size() > MAX_LINES ? "Only the first " + MAX_LINES + " shifts are shown; ask for fewer weeks. " : "")
                + (gaps > 0 ? ":warning: " + gaps + (gaps == 1 ? " gap" : " gaps") + " with nobody on call. " : "")
                + "Times in your time zone · cover: `/ops override " + schedule.name() + " @someone sat 09:00 for 1d`"
                + " · your calendar: `/ops schedule url`";
        blocks.add(context(c -> c.elements(List.of(markdownText(footer)))));
        String fallback = OnCallText.plain(heading + "\n" + String.join("\n", shown));
        return SlackMessage.of(SlackText.cut(fallback, 3_000), blocks);
    }

    private record Line(Instant from, String text) {
    }

    private static String span(Instant from, Instant until) {
        return SlackText.date(from, "{date_short_pretty} {time}", from.toString()) + " → "
                + SlackText.date(until, "{date_short_pretty} {time}", until.toString());
    }

    private CommandReply url(String userId) {
        if (publicUrl.isEmpty()) {
            return CommandReply.ephemeral("Calendar feeds need the bot's public address: an admin sets `OPSBOT_PUBLIC_URL`"
                    + " (e.g. `https://opsbot.example.com`) and restarts it.");
        }
        String token = tokens.issue(CalendarTokens.Subject.user(userId), userId);
        String url = publicUrl.get() + CalendarFeed.PATH + token + ".ics";
        return CommandReply.ephemeral(":calendar: Your on-call shifts, every schedule: " + url
                + "\nSubscribe to it from Google Calendar (Other calendars → From URL) or Outlook (Add calendar → Subscribe"
                + " from web). Keep it to yourself: whoever has it sees your shifts. An admin can revoke it with"
                + " `opsbot calendar-revoke @you`.");
    }

    private Schedule schedule(String name) throws UsageException {
        Schedule schedule = config.get().schedules().get(name);
        if (schedule == null && config.get().teams().containsKey(name)) {
            // A team's name stands for the schedule its overrides take.
            schedule = overrides.scheduleOf(config.get().teams().get(name)).orElse(null);
        }
        if (schedule == null) {
            String hint = Suggestions.closest(name, config.get().schedules().keySet()).map(s -> " Did you mean " + SlackText.code(s) + "?")
                    .orElse(" " + known());
            throw new UsageException("There is no schedule " + SlackText.code(name, 40) + "." + hint
                    + " e.g. `/ops schedule " + (config.get().schedules().isEmpty() ? "primary" : config.get().schedules().keySet().iterator().next())
                    + " 2`.");
        }
        return schedule;
    }

    private String known() {
        return config.get().schedules().isEmpty() ? "No schedules are configured."
                : "Schedules: " + String.join(", ", config.get().schedules().keySet().stream().map(SlackText::code).toList()) + ".";
    }
}
