package org.opsbot.commands.maintenance;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import org.opsbot.commands.config.MaintenanceConfig;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a recurring window's occurrences start: its cron expression read in its own time zone, so
 * "0 2 * * SUN" in Europe/Berlin is 02:00 Berlin time in summer and in winter. Pure: no clock,
 * no database.
 */
public final class MaintenanceCalendar {
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private MaintenanceCalendar() {
    }

    /** The occurrence running at {@code now}, if any: its start (the latest one whose length has not run out). */
    public static Optional<Instant> runningAt(MaintenanceConfig.Window window, Instant now) {
        return latestStart(window, now).filter(start -> start.plus(window.duration()).isAfter(now));
    }

    /** The latest start at or before {@code now}. */
    public static Optional<Instant> latestStart(MaintenanceConfig.Window window, Instant now) {
        ExecutionTime times = times(window);
        ZonedDateTime at = now.atZone(window.timeZone()).truncatedTo(ChronoUnit.MINUTES);
        if (times.isMatch(at)) {
            return Optional.of(at.toInstant());
        }
        return times.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    /** The first start after {@code after}. */
    public static Optional<Instant> nextStart(MaintenanceConfig.Window window, Instant after) {
        return times(window).nextExecution(after.atZone(window.timeZone())).map(ZonedDateTime::toInstant);
    }

    /** The starts on {@code date} in the window's time zone (for skipping one occurrence by its day). */
    public static List<Instant> startsOn(MaintenanceConfig.Window window, LocalDate date) {
        List<Instant> starts = new ArrayList<>();
        Instant dayStart = date.atStartOfDay(window.timeZone()).toInstant();
        Instant dayEnd = date.plusDays(1).atStartOfDay(window.timeZone()).toInstant();
        Optional<Instant> next = times(window).isMatch(dayStart.atZone(window.timeZone()))
                ? Optional.of(dayStart) : nextStart(window, dayStart);
        while (next.isPresent() && next.get().isBefore(dayEnd) && starts.size() < 1440) {
            starts.add(next.get());
            next = nextStart(window, next.get());
        }
        return starts;
    }

    private static ExecutionTime times(MaintenanceConfig.Window window) {
        return ExecutionTime.forCron(CRON.parse(window.cron()));
    }
}
