package org.opsbot.commands.maintenance;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import org.opsbot.commands.config.MaintenanceConfig;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a recurring window's occurrences start: its cron expression read on the wall clock of its
 * own time zone, so "0 2 * * SUN" in Europe/Berlin is 02:00 Berlin time in summer and in winter.
 * On the night the clocks go forward a start in the skipped hour moves to the first minute after
 * it (02:00 becomes 03:00), and on the night they go back a start in the repeated hour happens
 * once, at its first pass: a window is neither lost nor doubled. Pure: no clock, no database.
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
        // The cron is evaluated on local date-times (held as UTC, which has no transitions).
        ZonedDateTime local = wall(now, window).truncatedTo(ChronoUnit.MINUTES);
        Optional<ZonedDateTime> candidate = times.isMatch(local) ? Optional.of(local) : times.lastExecution(local);
        for (int i = 0; i < 3 && candidate.isPresent(); i++) {
            Instant at = instant(candidate.get(), window);
            if (!at.isAfter(now)) {
                return Optional.of(at);
            }
            candidate = times.lastExecution(candidate.get());
        }
        return Optional.empty();
    }

    /** The first start after {@code after}. */
    public static Optional<Instant> nextStart(MaintenanceConfig.Window window, Instant after) {
        ExecutionTime times = times(window);
        Optional<ZonedDateTime> candidate = times.nextExecution(wall(after, window));
        for (int i = 0; i < 3 && candidate.isPresent(); i++) {
            Instant at = instant(candidate.get(), window);
            if (at.isAfter(after)) {
                return Optional.of(at);
            }
            candidate = times.nextExecution(candidate.get());
        }
        return Optional.empty();
    }

    /** The starts on {@code date} in the window's time zone (for skipping one occurrence by its day). */
    public static List<Instant> startsOn(MaintenanceConfig.Window window, LocalDate date) {
        List<Instant> starts = new ArrayList<>();
        Instant dayStart = date.atStartOfDay(window.timeZone()).toInstant();
        Instant dayEnd = date.plusDays(1).atStartOfDay(window.timeZone()).toInstant();
        Optional<Instant> next = nextStart(window, dayStart.minusSeconds(1));
        while (next.isPresent() && next.get().isBefore(dayEnd) && starts.size() < 1440) {
            starts.add(next.get());
            next = nextStart(window, next.get());
        }
        return starts;
    }

    /** {@code at} on the window's wall clock, as a UTC date-time. */
    private static ZonedDateTime wall(Instant at, MaintenanceConfig.Window window) {
        return at.atZone(window.timeZone()).toLocalDateTime().atZone(ZoneOffset.UTC);
    }

    /** A wall-clock time back to an instant: a time in a gap moves forward, one in an overlap takes its first pass. */
    private static Instant instant(ZonedDateTime wall, MaintenanceConfig.Window window) {
        return ZonedDateTime.of(wall.toLocalDateTime(), window.timeZone()).toInstant();
    }

    private static ExecutionTime times(MaintenanceConfig.Window window) {
        return ExecutionTime.forCron(CRON.parse(window.cron()));
    }
}
