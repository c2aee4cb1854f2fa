package org.opsbot.commands.runbook;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which scheduled runs are due: pure, no threads, no clock of its own. The bot's scheduler
 * loop calls {@link #due} every tick with what it stored and records each run it starts.
 *
 * <p>Only the most recent scheduled time counts, so runs missed while the bot was down run
 * once, not once per missed time. A schedule that never fired counts as having fired one
 * minute ago: a new runbook does not run at once for a time that passed before it existed.
 */
public final class ScheduleCalendar {
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private ScheduleCalendar() {
    }

    /**
     * A run to start.
     *
     * @param scheduledFor the scheduled time it is for; store it as the schedule's last firing
     * @param late         how long after its time it is started (a caught-up run after downtime)
     */
    public record DueRun(Runbook runbook, Schedule schedule, Instant scheduledFor, Duration late) {
        public String actor() {
            return schedule.actor();
        }
    }

    /**
     * @param lastFired the scheduled time each schedule last fired for, by {@link Schedule#key()}
     */
    public static List<DueRun> due(Runbook runbook, Map<String, Instant> lastFired, Instant now) {
        return due(runbook, runbook.schedules(), lastFired, now);
    }

    /** {@link #due} of some of the runbook's schedules. */
    public static List<DueRun> due(Runbook runbook, List<Schedule> schedules, Map<String, Instant> lastFired, Instant now) {
        List<DueRun> due = new ArrayList<>();
        for (Schedule s : schedules) {
            Instant last = lastFired.getOrDefault(s.key(), now.minus(Duration.ofMinutes(1)));
            latest(s, now).filter(t -> t.isAfter(last))
                    .ifPresent(t -> due.add(new DueRun(runbook, s, t, Duration.between(t, now))));
        }
        return due;
    }

    /** The latest scheduled time at or before {@code now}. */
    public static Optional<Instant> latest(Schedule schedule, Instant now) {
        ExecutionTime times = ExecutionTime.forCron(CRON.parse(schedule.cron()));
        ZonedDateTime at = now.atZone(schedule.timeZone()).truncatedTo(ChronoUnit.MINUTES);
        if (times.isMatch(at)) {
            return Optional.of(at.toInstant());
        }
        return times.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    /** The next scheduled time after {@code now} (for "next run at …"). */
    public static Optional<Instant> next(Schedule schedule, Instant now) {
        ExecutionTime times = ExecutionTime.forCron(CRON.parse(schedule.cron()));
        return times.nextExecution(now.atZone(schedule.timeZone())).map(ZonedDateTime::toInstant);
    }
}
