package org.opsbot.bot.oncall;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.CoverRequests;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.model.CoverRequest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /ops cover [schedule] <from> (until <time> | for <duration>) [why]}: a member of a
 * schedule asks for cover; the request goes to the channels of the teams the schedule serves, with
 * a Take it button for its other members. Needs no role: who may take it is the schedule's business.
 */
final class CoverCommand implements OpsCommand {
    static final String EXAMPLE = "`/ops cover sat 09:00 until sun 09:00 family visit` or `/ops cover cdc-primary tomorrow 18:00 for 4h`";

    private final Supplier<OpsbotConfig> config;
    private final CoverRequests covers;
    private final Overrides overrides;
    private final UserTimeZones zones;
    private final Clock clock;

    CoverCommand(Supplier<OpsbotConfig> config, CoverRequests covers, Overrides overrides, UserTimeZones zones, Clock clock) {
        this.config = config;
        this.covers = covers;
        this.overrides = overrides;
        this.zones = zones;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "cover";
    }

    @Override
    public String usage() {
        return "[schedule] <from> (until <time> | for <duration>) [why]";
    }

    @Override
    public String summary() {
        return "asks the other members of your schedule to take a span of it (e.g. `sat 09:00 until sun 09:00`)";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        List<String> args = invocation.args();
        String user = invocation.userId();
        OpsbotConfig config = this.config.get();
        Schedule schedule;
        if (!args.isEmpty() && config.schedules().containsKey(args.getFirst())) {
            schedule = config.schedules().get(args.getFirst());
            args = args.subList(1, args.size());
        } else {
            List<Schedule> mine = config.schedules().values().stream().filter(s -> s.members().contains(user)).toList();
            if (mine.size() != 1) {
                throw new UsageException((mine.isEmpty() ? "You are in no on-call schedule, so there is nothing to cover"
                        : "You are in " + mine.size() + " schedules (" + SlackText.escape(String.join(", ",
                        mine.stream().map(Schedule::name).toList())) + "): name one") + ". e.g. " + EXAMPLE + ".");
            }
            schedule = mine.getFirst();
        }
        int untilAt = indexOf(args, "until");
        int forAt = indexOf(args, "for");
        int split = untilAt >= 0 && (forAt < 0 || untilAt < forAt) ? untilAt : forAt;
        if (split < 0) {
            throw new UsageException("Say when: a start and `until <time>` or `for <duration>`, e.g. " + EXAMPLE + ".");
        }
        List<String> start = args.subList(0, split);
        if (!start.isEmpty() && start.getFirst().equalsIgnoreCase("from")) {
            start = start.subList(1, start.size());
        }
        List<String> rest = args.subList(split + 1, args.size());
        if (rest.isEmpty()) {
            throw new UsageException(split == untilAt ? "Until when? e.g. `until 18:00` or `until mon 09:00`."
                    : "For how long? e.g. `for 8h`, `for 2d` or `for 90m`.");
        }
        Instant now = clock.instant();
        Optional<ZoneId> zone = zones.of(user);
        ZoneId readIn = zone.orElse(ZoneOffset.UTC);
        Instant from;
        try {
            from = start.isEmpty() || (start.size() == 1 && start.getFirst().equalsIgnoreCase("now"))
                    ? now : When.parse(String.join(" ", start), readIn, now);
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.escape(e.getMessage()));
        }
        Instant until;
        List<String> why;
        if (split == untilAt) {
            Instant after = from.isAfter(now) ? from : now;
            Optional<Instant> end = Optional.empty();
            int used = Math.min(3, rest.size());
            // The time is the longest lead of the words that reads as one; the rest is why.
            while (end.isEmpty()) {
                try {
                    end = Optional.of(When.parse(String.join(" ", rest.subList(0, used)), readIn, after));
                } catch (IllegalArgumentException e) {
                    if (used == 1) {
                        throw new UsageException(SlackText.escape(e.getMessage()));
                    }
                    used--;
                }
            }
            until = end.get();
            why = rest.subList(used, rest.size());
        } else {
            try {
                until = from.plus(Durations.parse(rest.getFirst()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(SlackText.code(rest.getFirst(), 40) + " is not a duration; write e.g. `90m`, `8h`, `2d`. e.g. "
                        + EXAMPLE + ".");
            }
            why = rest.subList(1, rest.size());
        }
        CoverRequest request;
        try {
            request = covers.request(schedule, user, from, until, String.join(" ", why));
        } catch (CoverRequests.Refused refused) {
            throw new UsageException(switch (refused.reason()) {
                case NOT_A_MEMBER -> "You are not a member of schedule " + SlackText.code(schedule.name())
                        + ", so it is not yours to hand on; its members ask for cover.";
                case OVER -> "That time is over already (it ends " + SlackText.date(until) + "). e.g. " + EXAMPLE + ".";
                case TOO_LONG -> "Cover lasts at most " + Durations.format(overrides.longest()) + ", as an override does. e.g. "
                        + EXAMPLE + ".";
                default -> "That cover request cannot be made (" + refused.reason() + ").";
            });
        }
        List<String> channels = ScheduleChannels.of(config, schedule);
        if (channels.isEmpty()) {
            channels = List.of(invocation.channelId());
        }
        channels.forEach(c -> invocation.outbox().postOnce(CoverMessages.key(request.id(), c), c, CoverMessages.open(request)));
        return CommandReply.ephemeral("Asked for cover of " + SlackText.code(schedule.name()) + " from "
                + OnCallText.slack().time(request.from()) + " until " + OnCallText.slack().time(request.until()) + " in "
                + String.join(", ", channels.stream().map(SlackText::channel).toList()) + ". I will tell you who takes it."
                + (zone.isEmpty() ? " (Times read as UTC: your Slack time zone was not at hand.)" : ""));
    }

    private static int indexOf(List<String> words, String word) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).toLowerCase(Locale.ROOT).equals(word)) {
                return i;
            }
        }
        return -1;
    }
}
