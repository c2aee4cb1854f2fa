package org.opsbot.bot.validation;

import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.yaml.Problem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gaps opsbot.yaml's schedules leave in the next four weeks: times when a schedule has
 * nobody on call, so a tier that pages it reaches no one. A warning, not a problem: a team may
 * mean to have nobody at night, and overrides can fill a gap.
 */
public final class ScheduleGapsValidator implements Validator {
    static final Duration AHEAD = Duration.ofDays(28);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);

    private final Clock clock;

    public ScheduleGapsValidator(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Report validate(Settings settings, OpsbotConfig config) {
        Instant now = clock.instant();
        List<Problem> warnings = new ArrayList<>();
        for (Schedule schedule : config.schedules().values()) {
            List<Rotation.Gap> gaps = Rotation.gaps(schedule, List.of(), now, now.plus(AHEAD));
            if (gaps.isEmpty()) {
                continue;
            }
            Duration total = gaps.stream().map(g -> Duration.between(g.from(), g.until())).reduce(Duration.ZERO, Duration::plus);
            ZoneId zone = schedule.timeZone();
            Rotation.Gap first = gaps.getFirst();
            warnings.add(new Problem(schedule.file().isEmpty() ? "opsbot.yaml" : schedule.file(), schedule.line(),
                    "schedules." + schedule.name() + " has nobody on call " + gaps.size() + (gaps.size() == 1 ? " time" : " times")
                            + " in the next four weeks (" + Durations.format(total) + " in all), first "
                            + TIME.format(first.from().atZone(zone)) + " – " + TIME.format(first.until().atZone(zone)) + " "
                            + zone.getId() + "; a tier that pages it then reaches nobody",
                    "add a layer or widen a restriction to cover those times, or fill them with /ops override"));
        }
        return new Report(List.of(), "OK: " + config.schedules().size() + " schedule(s); "
                + (warnings.isEmpty() ? "none leaves a gap in the next four weeks" : warnings.size() + " leave(s) gaps (see the warnings)"),
                warnings);
    }
}
