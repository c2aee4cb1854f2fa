package org.opsbot.bot.maintenance;

import org.opsbot.bot.actions.ActionsFeature;
import org.opsbot.commands.approval.Approvals;

import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.oncall.When;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.MaintenanceConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.MaintenanceWindow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /ops maintenance}: lists the windows running now and the next ones; {@code start},
 * {@code end} and {@code skip} change them and need the {@code maintenance} permission. Times are
 * read in the caller's Slack time zone. Announcements in the team's channel, and what happens when
 * a window ends, are the {@link MaintenanceJob}'s.
 */
final class MaintenanceCommand implements OpsCommand {
    static final String PERMISSION = "maintenance";
    private static final String START_EXAMPLES = "`/ops maintenance start cdc 2h Patching the database hosts`, or "
            + "`/ops maintenance start cdc tomorrow 02:00 for 2h OS updates`, or "
            + "`/ops maintenance start cdc sat 22:00 until sun 02:00 Failover test`";

    private final Supplier<OpsbotConfig> config;
    private final Maintenance maintenance;
    private final ActionsFeature actions;
    private final UserTimeZones zones;
    private final Clock clock;

    MaintenanceCommand(Supplier<OpsbotConfig> config, Maintenance maintenance, ActionsFeature actions, UserTimeZones zones, Clock clock) {
        this.config = config;
        this.maintenance = maintenance;
        this.actions = actions;
        this.zones = zones;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "maintenance";
    }

    @Override
    public String usage() {
        return "[start <team> [<from>] (<duration> | for <duration> | until <time>) <why> · end [team] · skip <window> [date]]";
    }

    @Override
    public String summary() {
        return "maintenance windows: alerts still posted, nobody paged";
    }

    @Override
    public PermissionKeys permissionKeys() {
        return PermissionKeys.of(PERMISSION);
    }

    @Override
    public CommandReply handle(OpsInvocation in) throws UsageException {
        List<String> args = in.args();
        if (args.isEmpty() || args.getFirst().equalsIgnoreCase("list")) {
            return CommandReply.ephemeral(MaintenanceText.overview(maintenance.overview()));
        }
        String verb = args.getFirst().toLowerCase(Locale.ROOT);
        if (!List.of("start", "end", "skip").contains(verb)) {
            throw new UsageException(SlackText.code(args.getFirst(), 30) + " is not something maintenance does: write "
                    + "`start`, `end` or `skip`, or nothing to list the windows.");
        }
        Decision decision = in.decide(PERMISSION);
        if (decision instanceof Decision.Denied denied) {
            return CommandReply.ephemeral(":no_entry: You may not " + verb + " maintenance: " + SlackText.escape(denied.reason()));
        }
        try {
            return switch (verb) {
                case "start" -> start(in, args.subList(1, args.size()));
                case "end" -> end(in, args.subList(1, args.size()));
                default -> skip(in, args.subList(1, args.size()));
            };
        } catch (Maintenance.Refused refused) {
            return CommandReply.ephemeral(":warning: " + SlackText.dated(refused.getMessage()));
        }
    }

    private CommandReply start(OpsInvocation in, List<String> args) throws UsageException, Maintenance.Refused {
        if (args.size() < 2) {
            throw new UsageException("`maintenance start` needs a team, when and why, e.g. " + START_EXAMPLES + ".");
        }
        String team = team(args.getFirst());
        Optional<ZoneId> known = zones.of(in.userId());
        ZoneId zone = known.orElse(ZoneId.of("UTC"));
        Instant now = clock.instant();
        Span span = span(args.subList(1, args.size()), zone, now);
        if (span.why().isBlank()) {
            throw new UsageException("Say why the team is in maintenance: it is shown in the channel, e.g. " + START_EXAMPLES + ".");
        }
        Optional<MaintenanceConfig.Approval> approval = maintenance.approvalNeeded(team, span.from());
        if (approval.isPresent()) {
            // Four eyes, as for actions: the window starts when the role's members approve it.
            Approvals.Other request = maintenance.approvalRequest(team, span.from(), span.until(), span.why());
            in.executor().execute(() -> actions.request(request, team, in.userId(), span.why(), in.channelId()));
            MaintenanceConfig.Approval a = approval.get();
            return CommandReply.ephemeral(":hourglass: Maintenance of *" + SlackText.escape(team) + "* outside its recurring"
                    + " windows needs " + (a.count() == 1 ? "an approval" : a.count() + " approvals") + " from "
                    + SlackText.escape(a.role()) + " within " + Durations.format(a.within()) + ": asking for it…");
        }
        MaintenanceWindow w = maintenance.start(team, span.from(), span.until(), span.why(), in.userId());
        String when = w.startsAt().isAfter(now) ? "from " + SlackText.date(w.startsAt()) + " " : "now, ";
        return CommandReply.ephemeral(":construction: Maintenance #" + w.id() + " for *" + SlackText.escape(team) + "* "
                + when + "until " + SlackText.date(w.endsAt()) + ": its alerts are posted, nobody is paged."
                + " I announce it in the team's channel" + (known.isEmpty() ? "; times read in UTC, as Slack did not tell me your time zone" : "")
                + ". End it early with `/ops maintenance end " + team + "`.");
    }

    /** When and why: {@code <duration> <why>}, or {@code [<from>] (for <duration> | until <time>) <why>}. */
    record Span(Instant from, Instant until, String why) {
    }

    static Span span(List<String> words, ZoneId zone, Instant now) throws UsageException {
        Optional<Duration> plain = duration(words.getFirst());
        if (plain.isPresent()) {
            return new Span(now, now.plus(plain.get()), String.join(" ", words.subList(1, words.size())));
        }
        int marker = -1;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i).toLowerCase(Locale.ROOT);
            if (w.equals("for") || w.equals("until")) {
                marker = i;
                break;
            }
        }
        if (marker < 0 || marker > 2) {
            throw new UsageException("I can't tell how long the maintenance lasts from " + SlackText.code(String.join(" ",
                    words.subList(0, Math.min(words.size(), 4))), 60) + ": write a duration such as `2h`, or a start and"
                    + " `for <duration>` or `until <time>`, e.g. " + START_EXAMPLES + ".");
        }
        Instant from = now;
        if (marker > 0) {
            String text = String.join(" ", words.subList(0, marker));
            from = text.equalsIgnoreCase("now") ? now : time(text, zone, now);
        }
        List<String> rest = words.subList(marker + 1, words.size());
        if (rest.isEmpty()) {
            throw new UsageException("`" + words.get(marker) + "` needs " + (words.get(marker).equalsIgnoreCase("for")
                    ? "a duration, e.g. `for 2h`" : "a time, e.g. `until 06:00` or `until tomorrow 06:00`") + ".");
        }
        if (words.get(marker).equalsIgnoreCase("for")) {
            Duration d = duration(rest.getFirst()).orElseThrow(() -> new UsageException(SlackText.code(rest.getFirst(), 30)
                    + " is not a duration: write e.g. `for 90m` or `for 2h`."));
            return new Span(from, from.plus(d), String.join(" ", rest.subList(1, rest.size())));
        }
        // "until 06:00 why" or "until tomorrow 06:00 why": the longest reading that is a time wins.
        if (rest.size() >= 2) {
            try {
                Instant until = When.parse(rest.get(0) + " " + rest.get(1), zone, from);
                return new Span(from, until, String.join(" ", rest.subList(2, rest.size())));
            } catch (IllegalArgumentException ignored) {
                // one word, then
            }
        }
        Instant until = time(rest.getFirst(), zone, from);
        return new Span(from, until, String.join(" ", rest.subList(1, rest.size())));
    }

    private static Instant time(String text, ZoneId zone, Instant now) throws UsageException {
        try {
            return When.parse(text, zone, now);
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.escape(e.getMessage()) + " For example: " + START_EXAMPLES + ".");
        }
    }

    private static Optional<Duration> duration(String word) {
        if (!word.matches("\\d+[a-z]+(\\d+[a-z]+)*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Durations.parse(word));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private CommandReply end(OpsInvocation in, List<String> args) throws UsageException, Maintenance.Refused {
        Optional<String> team = args.isEmpty() ? Optional.empty() : Optional.of(team(args.getFirst()));
        List<MaintenanceWindow> ended = maintenance.end(team, in.userId());
        return CommandReply.ephemeral(":white_check_mark: Ended " + String.join(", ", ended.stream()
                .map(w -> SlackText.escape(w.title())).toList()) + " for *" + SlackText.escape(ended.getFirst().team())
                + "*: its firing alerts escalate now. I announce it in the team's channel.");
    }

    private CommandReply skip(OpsInvocation in, List<String> args) throws UsageException, Maintenance.Refused {
        if (args.isEmpty() || args.size() > 2) {
            throw new UsageException("`maintenance skip` needs a recurring window and, optionally, the date of the occurrence,"
                    + " e.g. `/ops maintenance skip " + maintenance.config().windows().stream().findFirst()
                    .map(w -> w.name()).orElse("cdc-weekly") + " 2026-12-27`.");
        }
        Optional<LocalDate> date = Optional.empty();
        if (args.size() == 2) {
            try {
                date = Optional.of(LocalDate.parse(args.get(1)));
            } catch (DateTimeParseException e) {
                throw new UsageException(SlackText.code(args.get(1), 30) + " is not a date: write it as YYYY-MM-DD, e.g. `"
                        + LocalDate.now(clock).plusDays(7) + "`, or leave it out to skip the next occurrence.");
            }
        }
        String name = args.getFirst();
        Instant start = maintenance.skip(name, date, in.userId());
        return CommandReply.ephemeral(":fast_forward: Skipped the occurrence of *" + SlackText.escape(name) + "* starting "
                + SlackText.date(start) + ": its alerts page as usual then.");
    }

    private String team(String name) throws UsageException {
        OpsbotConfig inForce = config.get();
        if (!inForce.teams().containsKey(name)) {
            throw new UsageException("There is no team " + SlackText.code(name, 40) + ". Teams: "
                    + SlackText.escape(String.join(", ", inForce.teams().keySet())) + ".");
        }
        return name;
    }
}
