package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.HandOffs;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.model.HandOff;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The lease holder's hand-off round: records the hand-offs due (the engine's {@link HandOffs}
 * decides which, once each) and puts their messages into the outbox under keys of their own, so a
 * round cut short by a crash or a lease hand-over is finished by the next without posting twice.
 */
final class HandOffJob implements Consumer<Instant> {
    /** Overrides that ended this long ago may still decide who handed over. */
    private static final Duration LOOK_BACK = Duration.ofDays(1);

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final HandOffs handOffs;
    private final Outbox outbox;
    private final HandOffFacts facts;

    HandOffJob(Supplier<OpsbotConfig> config, Overrides overrides, HandOffs handOffs, Outbox outbox, HandOffFacts facts) {
        this.config = config;
        this.overrides = overrides;
        this.handOffs = handOffs;
        this.outbox = outbox;
        this.facts = facts;
    }

    @Override
    public void accept(Instant now) {
        OpsbotConfig config = this.config.get();
        List<HandOff> pending = handOffs.recordDue(List.copyOf(config.schedules().values()),
                overrides.endingAfter(now.minus(LOOK_BACK)));
        for (HandOff handOff : pending) {
            Schedule schedule = config.schedules().get(handOff.schedule());
            if (schedule != null) {
                send(config, schedule, handOff);
            }
            handOffs.sent(handOff);
        }
    }

    private void send(OpsbotConfig config, Schedule schedule, HandOff handOff) {
        OnCallText text = OnCallText.slack();
        List<Team> teams = ScheduleChannels.teams(config, schedule);
        int open = teams.stream().mapToInt(t -> facts.openAlertGroups(t.name())).sum();
        String key = "hand-off:" + schedule.name() + ":" + handOff.from().toEpochMilli() + ":" + handOff.kind().name().toLowerCase();
        switch (handOff.kind()) {
            case NOTICE -> {
                List<String> lines = new ArrayList<>();
                lines.add(":calendar: You are on call for schedule " + SlackText.code(schedule.name())
                        + (teams.isEmpty() ? "" : " (" + names(teams) + ")") + " from " + text.time(handOff.from())
                        + " until " + text.time(handOff.until()) + handOff.previous()
                        .map(p -> ", taking over from " + SlackText.user(p)).orElse("") + ".");
                lines.add(open == 0 ? "No alert groups are open." : open + " open alert group" + (open == 1 ? "" : "s")
                        + ": see `/ops alerts`.");
                for (Team team : teams) {
                    facts.maintenance(team.name(), handOff.from(), handOff.until())
                            .forEach(w -> lines.add("Maintenance during your shift: " + w));
                }
                outbox.postOnce(key, handOff.user(), SlackMessage.text(String.join("\n", lines)));
            }
            case ANNOUNCE -> {
                String line = ":arrows_counterclockwise: " + SlackText.user(handOff.user()) + " is on call for "
                        + (teams.isEmpty() ? SlackText.code(schedule.name()) : names(teams)) + " until "
                        + text.time(handOff.until()) + " · " + open + " open alert group" + (open == 1 ? "" : "s");
                ScheduleChannels.of(config, schedule).forEach(c -> outbox.postOnce(key + ":" + c, c, SlackMessage.text(line)));
            }
        }
    }

    private static String names(List<Team> teams) {
        return String.join(", ", teams.stream().map(t -> SlackText.escape(t.name())).toList());
    }
}
