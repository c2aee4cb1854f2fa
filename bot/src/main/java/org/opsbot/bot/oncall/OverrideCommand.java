package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ops override}: someone takes a schedule (named, or the first a team's escalation
 * notifies) from now for a while, or from a later time; {@code list} shows the overrides not yet
 * over (to everyone), {@code cancel <id>} ends one (its author, the person it covers, or whoever
 * holds {@code override.cancel}). The teams' channels are told.
 */
final class OverrideCommand implements OpsCommand {
    static final String PERMISSION = "override";
    /** Cancelling an override someone else made for someone else. */
    static final String CANCEL_OTHERS = "override.cancel";
    static final String EXAMPLE = "`/ops override cdc @alice 2h` or `/ops override cdc @alice sat 09:00 until mon 09:00`";
    /** How far ahead a cancellation's new gaps are announced. */
    private static final Duration GAP_NOTICE = Duration.ofHours(24);
    // With should_escape, Slack sends a mention as <@U123|name>; typed ids are accepted too.
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]+)(?:\\|[^>]*)?>|([UW][A-Z0-9]{6,})");

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final UserTimeZones zones;
    private final Clock clock;

    OverrideCommand(Supplier<OpsbotConfig> config, Overrides overrides, UserTimeZones zones, Clock clock) {
        this.config = config;
        this.overrides = overrides;
        this.zones = zones;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "override";
    }

    @Override
    public String usage() {
        return "<team|schedule> <@user> (<duration> | <from> until <time> | <from> for <duration>) · list [team|schedule] · cancel <id>";
    }

    @Override
    public String summary() {
        return "puts someone on call for a while, now or later (e.g. `2h`, `sat 09:00 for 2d`); `list`, `cancel`";
    }

    /** {@code list} is open to everyone, so the command as a whole needs no role; making one does. */
    @Override
    public PermissionKeys permissionKeys() {
        return PermissionKeys.of(PERMISSION, CANCEL_OTHERS);
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        List<String> args = invocation.args();
        if (!args.isEmpty() && args.getFirst().equalsIgnoreCase("list")) {
            return list(args.subList(1, args.size()));
        }
        if (!args.isEmpty() && args.getFirst().equalsIgnoreCase("cancel")) {
            return cancel(invocation, args.subList(1, args.size()));
        }
        if (invocation.decide(PERMISSION) instanceof Decision.Denied denied) {
            return CommandReply.ephemeral(":no_entry: You may not use " + SlackText.code(invocation.command() + " override")
                    + ": " + SlackText.escape(denied.reason()));
        }
        return create(invocation, args);
    }

    private CommandReply create(OpsInvocation invocation, List<String> args) throws UsageException {
        if (args.size() < 3) {
            throw new UsageException("`override` needs a team or schedule, a person and when, e.g. " + EXAMPLE + ".");
        }
        Target target = target(args.get(0));
        String user = person(args.get(1));
        List<String> when = args.subList(2, args.size());
        Instant now = clock.instant();
        Instant from;
        Instant until;
        String zoneNote = "";
        int untilAt = indexOf(when, "until");
        int forAt = indexOf(when, "for");
        if (when.size() == 1) {
            from = now;
            until = now.plus(duration(when.getFirst()));
        } else if (untilAt < 0 && forAt < 0) {
            throw new UsageException("Say how long: `until <time>` or `for <duration>` after the start, e.g. " + EXAMPLE + ".");
        } else {
            int split = untilAt >= 0 ? untilAt : forAt;
            List<String> start = when.subList(0, split);
            if (!start.isEmpty() && start.getFirst().equalsIgnoreCase("from")) {
                start = start.subList(1, start.size());
            }
            List<String> end = when.subList(split + 1, when.size());
            if (end.isEmpty()) {
                throw new UsageException(untilAt >= 0 ? "Until when? e.g. `until 18:00` or `until mon 09:00`."
                        : "For how long? e.g. `for 8h`, `for 2d` or `for 90m`.");
            }
            Optional<ZoneId> zone = zones.of(invocation.userId());
            ZoneId readIn = zone.orElse(ZoneOffset.UTC);
            if (zone.isEmpty()) {
                zoneNote = " (times read as UTC: your Slack time zone was not at hand)";
            }
            from = start.isEmpty() || (start.size() == 1 && start.getFirst().equalsIgnoreCase("now"))
                    ? now : time(String.join(" ", start), readIn, now);
            until = untilAt >= 0 ? time(String.join(" ", end), readIn, from.isAfter(now) ? from : now)
                    : from.plus(duration(String.join("", end)));
        }
        Overrides.Created created;
        try {
            created = overrides.create(target.schedule(), target.team(), user, from, until, invocation.userId());
        } catch (Overrides.Refused refused) {
            throw new UsageException(switch (refused.reason()) {
                case DURATION -> "An override lasts between a minute and " + Durations.format(overrides.longest())
                        + " (ends " + SlackText.date(until) + ", after it starts). e.g. " + EXAMPLE + ".";
                case OVER -> "That override would be over already (it ends " + SlackText.date(until) + "). e.g. " + EXAMPLE + ".";
                default -> "That override cannot be made (" + refused.reason() + ").";
            });
        }
        return announce(invocation, target, created, user, zoneNote);
    }

    private CommandReply announce(OpsInvocation invocation, Target target, Overrides.Created created, String user, String zoneNote) {
        Schedule schedule = created.schedule();
        OnCallOverride override = created.override();
        Optional<Shift> before = created.before();
        OnCallText text = OnCallText.slack();
        boolean later = override.from().isAfter(clock.instant().plusSeconds(60));
        // The person named is the one mention a command that takes a person writes (from the id it parsed).
        String instead = before.map(s -> s.user().equals(user) ? "" : ", instead of " + SlackText.user(s.user())).orElse("");
        String forWhat = target.team().map(t -> "*" + SlackText.escape(t.name()) + "* (schedule " + SlackText.code(schedule.name()) + ")")
                .orElse("schedule " + SlackText.code(schedule.name()));
        String announcement = ":arrows_counterclockwise: " + SlackText.user(user) + (later ? " will be" : " is") + " on call for "
                + forWhat + (later ? " from " + text.time(override.from()) : "") + " until " + text.time(override.until())
                + instead + ". Set by " + SlackText.user(invocation.userId()) + " (override " + override.id() + ").";
        Set<String> channels = channels(schedule, target.team(), invocation.channelId());
        channels.forEach(channel -> invocation.outbox().post(channel, SlackMessage.text(announcement)));
        String told = channels.stream().filter(c -> !c.equals(invocation.channelId())).map(SlackText::channel).toList().isEmpty()
                ? "" : " I told " + String.join(", ", channels.stream().filter(c -> !c.equals(invocation.channelId()))
                .map(SlackText::channel).toList()) + ".";
        return CommandReply.ephemeral("Done: " + announcement.substring(announcement.indexOf(' ') + 1) + told
                + " Cancel it with " + SlackText.code("/ops override cancel " + override.id()) + "." + zoneNote);
    }

    private CommandReply list(List<String> args) throws UsageException {
        if (args.size() > 1) {
            throw new UsageException("Name one team or schedule, or none for all: e.g. `/ops override list cdc`.");
        }
        Optional<String> schedule = Optional.empty();
        String heading = "Overrides not yet over";
        if (args.size() == 1) {
            Target target = target(args.getFirst());
            schedule = Optional.of(target.schedule().name());
            heading += " for schedule " + SlackText.code(target.schedule().name());
        }
        List<OnCallOverride> upcoming = overrides.upcoming(schedule);
        if (upcoming.isEmpty()) {
            return CommandReply.ephemeral(heading + ": none. Make one with " + EXAMPLE + ".");
        }
        OnCallText text = OnCallText.slack();
        List<String> lines = new ArrayList<>();
        for (OnCallOverride o : upcoming) {
            lines.add("• *" + o.id() + "* · " + SlackText.code(o.schedule()) + " · " + SlackText.user(o.user()) + " · "
                    + text.time(o.from()) + " – " + text.time(o.until()) + " · set by " + SlackText.user(o.createdBy()));
        }
        String body = heading + " (later-made wins where they overlap):\n" + String.join("\n", lines)
                + "\nCancel one with `/ops override cancel <id>`.";
        return CommandReply.ephemeral(SlackText.fit(body, 2_900));
    }

    private CommandReply cancel(OpsInvocation invocation, List<String> args) throws UsageException {
        if (args.size() != 1) {
            throw new UsageException("Which override? e.g. `/ops override cancel 12` (`/ops override list` shows their ids).");
        }
        long id;
        try {
            id = Long.parseLong(args.getFirst().replaceFirst("^#", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(SlackText.code(args.getFirst(), 40)
                    + " is not an override id; e.g. `/ops override cancel 12` (`/ops override list` shows them).");
        }
        OnCallOverride cancelled;
        Decision[] others = new Decision[1];
        try {
            cancelled = overrides.cancel(id, invocation.userId(), () -> {
                others[0] = invocation.decide(CANCEL_OTHERS);
                return others[0] instanceof Decision.Allowed;
            });
        } catch (Overrides.Refused refused) {
            if (refused.reason() == Overrides.Refused.Reason.NOT_YOURS) {
                String why = others[0] instanceof Decision.Denied d ? " " + SlackText.escape(d.reason()) : "";
                return CommandReply.ephemeral(":no_entry: Override " + id + " is not yours to cancel: only who made it,"
                        + " the person it puts on call, or someone with `" + CANCEL_OTHERS + "` may." + why);
            }
            throw new UsageException("There is no override " + id + " that is not over or cancelled already;"
                    + " `/ops override list` shows those that are.");
        }
        Schedule schedule = config.get().schedules().get(cancelled.schedule());
        String notice = ":x: Override " + id + " (" + SlackText.user(cancelled.user()) + " on schedule "
                + SlackText.code(cancelled.schedule()) + ") was cancelled by " + SlackText.user(invocation.userId()) + "."
                + (schedule == null ? "" : gapsLeft(schedule, cancelled));
        if (schedule != null) {
            channels(schedule, Optional.empty(), invocation.channelId())
                    .forEach(channel -> invocation.outbox().post(channel, SlackMessage.text(notice)));
        }
        return CommandReply.ephemeral("Done: " + notice.substring(notice.indexOf(' ') + 1));
    }

    /** What a cancellation leaves with nobody on call in the next day, said once with it. */
    private String gapsLeft(Schedule schedule, OnCallOverride cancelled) {
        Instant now = clock.instant();
        Instant from = cancelled.from().isBefore(now) ? now : cancelled.from();
        Instant until = cancelled.until().isBefore(now.plus(GAP_NOTICE)) ? cancelled.until() : now.plus(GAP_NOTICE);
        if (!until.isAfter(from)) {
            return "";
        }
        List<String> gaps = Rotation.gaps(schedule, overrides.endingAfter(now), from, until).stream()
                .map(g -> SlackText.date(g.from()) + " – " + SlackText.date(g.until())).toList();
        return gaps.isEmpty() ? "" : " :warning: That leaves nobody on call " + String.join(", ", gaps)
                + ": cover it with " + SlackText.code("/ops override " + schedule.name() + " @someone <from> until <time>") + ".";
    }

    /** A team (its first schedule) or a schedule; the team wins where both have the name. */
    private record Target(Schedule schedule, Optional<Team> team) {
    }

    private Target target(String name) throws UsageException {
        Team team = config.get().teams().get(name);
        if (team != null) {
            Schedule schedule = overrides.scheduleOf(team).orElseThrow(() -> new UsageException("Team " + SlackText.code(team.name())
                    + " pages no on-call schedule (no `schedule:` in its escalation tiers), so there is nothing to override."));
            return new Target(schedule, Optional.of(team));
        }
        Schedule schedule = config.get().schedules().get(name);
        if (schedule != null) {
            return new Target(schedule, Optional.empty());
        }
        throw new UsageException("There is no team or schedule " + SlackText.code(name, 40) + ". Teams: "
                + SlackText.escape(String.join(", ", config.get().teams().keySet())) + "; schedules: "
                + SlackText.escape(String.join(", ", config.get().schedules().keySet())) + ". e.g. " + EXAMPLE + ".");
    }

    private static String person(String word) throws UsageException {
        Matcher mention = MENTION.matcher(word);
        if (!mention.matches()) {
            throw new UsageException(SlackText.code(word, 60) + " is not a person: mention them, like `@alice`. e.g. " + EXAMPLE + ".");
        }
        return mention.group(1) != null ? mention.group(1) : mention.group(2);
    }

    private static Duration duration(String word) throws UsageException {
        try {
            return Durations.parse(word);
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.code(word, 40) + " is not a duration; write e.g. `90m`, `8h`, `2d`"
                    + " (or a start and `until <time>`: " + EXAMPLE + ").");
        }
    }

    private static Instant time(String text, ZoneId zone, Instant after) throws UsageException {
        try {
            return When.parse(text, zone, after);
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.escape(e.getMessage()));
        }
    }

    private static int indexOf(List<String> words, String word) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).toLowerCase(Locale.ROOT).equals(word)) {
                return i;
            }
        }
        return -1;
    }

    /** Every channel of a team whose escalation pages the schedule; else the default channel, else where it was asked. */
    private Set<String> channels(Schedule schedule, Optional<Team> asked, String here) {
        Set<String> out = new LinkedHashSet<>();
        asked.flatMap(Team::channel).ifPresent(out::add);
        for (Team team : config.get().teams().values()) {
            boolean pages = team.escalation().tiers().stream().flatMap(t -> t.targets().stream())
                    .anyMatch(t -> t.kind() == org.opsbot.commands.config.NotifyTarget.Kind.SCHEDULE && t.id().equals(schedule.name()));
            if (pages) {
                team.channel().ifPresent(out::add);
            }
        }
        if (out.isEmpty()) {
            out.add(config.get().slack().defaultChannel().orElse(here));
        }
        return out;
    }
}
