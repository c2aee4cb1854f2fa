package org.opsbot.commands.runbook;

import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.ScheduleStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which scheduled runs of a runbook one replica may start now. A run is started only by whoever
 * wins its claim in the database, so a restart or a second replica never starts it twice. A
 * claim whose holder was killed (or failed on the database) before starting the run is taken
 * over by the next lease holder and run then, once. When the bot was down at a scheduled time,
 * the calendar returns only the latest missed time: it runs once. A schedule seen for the first
 * time is remembered at its latest past time without running, so that downtime afterwards is
 * noticed and caught up.
 */
public final class RunbookSchedules {
    private static final Logger LOG = LoggerFactory.getLogger(RunbookSchedules.class);

    private final ScheduleStore store;
    private final String holder;

    /** @param holder this replica, as the scheduler's lease holder: who claims runs */
    public RunbookSchedules(Database db, String holder) {
        this.store = new ScheduleStore(db);
        this.holder = holder;
    }

    /**
     * The runs of {@code runbook}'s checks due at {@code now} that this replica claimed: its to
     * start, in order.
     */
    public List<ScheduleCalendar.DueRun> claimDue(Runbook runbook, Instant now) {
        return claimDue(runbook, now, Schedule::runsChecks);
    }

    /** The scheduled actions of {@code runbook} due at {@code now} that this replica claimed. */
    public List<ScheduleCalendar.DueRun> claimDueActions(Runbook runbook, Instant now) {
        return claimDue(runbook, now, s -> !s.runsChecks());
    }

    private List<ScheduleCalendar.DueRun> claimDue(Runbook runbook, Instant now, Predicate<Schedule> which) {
        List<ScheduleCalendar.DueRun> claimed = new ArrayList<>();
        List<Schedule> schedules = runbook.schedules().stream().filter(which).toList();
        if (schedules.isEmpty()) {
            return claimed;
        }
        Map<String, Instant> lastFired = store.lastFired(runbook.name());
        Map<String, Instant> unstarted = store.unstarted(runbook.name());
        List<ScheduleCalendar.DueRun> due = ScheduleCalendar.due(runbook, schedules, lastFired, now);
        for (ScheduleCalendar.DueRun run : due) {
            if (store.claim(runbook.name(), run.schedule().key(), run.scheduledFor(), holder)) {
                claimed.add(run);
            }
        }
        for (Schedule schedule : schedules) {
            boolean starting = due.stream().anyMatch(d -> d.schedule().equals(schedule));
            Instant open = unstarted.get(schedule.key());
            if (open != null && !starting) {
                // Claimed and never started: its holder was killed in between (this replica
                // holds the lease now, so that holder lost it) or failed on the database.
                // A later due time, when there is one, replaces it: missed runs run once.
                if (store.retake(runbook.name(), schedule.key(), open, holder)) {
                    LOG.info("Runbook {} was claimed for {} but never started; starting it now", runbook.name(), open);
                    claimed.add(new ScheduleCalendar.DueRun(runbook, schedule, open, Duration.between(open, now)));
                }
            } else if (!lastFired.containsKey(schedule.key()) && !starting) {
                ScheduleCalendar.latest(schedule, now).ifPresent(t -> store.remember(runbook.name(), schedule.key(), t));
            }
        }
        return claimed;
    }

    /**
     * Marks a claimed run started (or spent, when it cannot start), unless another replica has
     * taken the claim over since.
     *
     * @return whether the claim was still this replica's
     */
    public boolean started(ScheduleCalendar.DueRun run) {
        return store.started(run.runbook().name(), run.schedule().key(), run.scheduledFor(), holder);
    }
}
