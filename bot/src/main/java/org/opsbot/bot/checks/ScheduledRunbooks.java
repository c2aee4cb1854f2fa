package org.opsbot.bot.checks;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.runbook.ScheduleCalendar;
import org.opsbot.commands.store.ScheduleStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs runbooks on their cron schedules and posts the reports to the schedule's channel (or
 * the team's, or {@code slack.default-channel}).
 *
 * <p>A run is started only by whoever wins its claim in the database, so a restart or a second
 * replica never starts it twice. A claim whose holder was killed (or failed on the database)
 * before starting the run is taken over by the next lease holder and run then, once (see
 * {@link ScheduleStore}). When the bot was down at a scheduled time, the calendar returns only
 * the latest missed time: it runs once. A schedule seen for the first time is
 * remembered at its latest past time without running, so that downtime afterwards is noticed
 * and caught up.
 */
final class ScheduledRunbooks implements Scheduler.Job {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledRunbooks.class);
    // Within a couple of ticks is on time; beyond, the report says it is late and why.
    private static final Duration LATE = Duration.ofMinutes(2);

    private final RunbookCatalog catalog;
    private final ScheduleStore store;
    private final ChannelRun runs;
    private final OpsbotConfig config;
    private final String holder;

    /** @param holder this replica, as the scheduler's lease holder: who claims runs */
    ScheduledRunbooks(RunbookCatalog catalog, ScheduleStore store, ChannelRun runs, OpsbotConfig config, String holder) {
        this.holder = holder;
        this.catalog = catalog;
        this.store = store;
        this.runs = runs;
        this.config = config;
    }

    @Override
    public String name() {
        return "scheduled runbooks";
    }

    @Override
    public void runDue(Instant now) {
        for (Runbook runbook : catalog.all()) {
            if (runbook.schedules().isEmpty()) {
                continue;
            }
            Map<String, Instant> lastFired = store.lastFired(runbook.name());
            Map<String, Instant> unstarted = store.unstarted(runbook.name());
            List<ScheduleCalendar.DueRun> due = ScheduleCalendar.due(runbook, lastFired, now);
            for (ScheduleCalendar.DueRun run : due) {
                if (store.claim(runbook.name(), run.schedule().key(), run.scheduledFor(), holder)) {
                    start(run);
                }
            }
            for (Schedule schedule : runbook.schedules()) {
                boolean starting = due.stream().anyMatch(d -> d.schedule().equals(schedule));
                Instant open = unstarted.get(schedule.key());
                if (open != null && !starting) {
                    // Claimed and never started: its holder was killed in between (this replica
                    // holds the lease now, so that holder lost it) or failed on the database.
                    // A later due time, when there is one, replaces it: missed runs run once.
                    if (store.retake(runbook.name(), schedule.key(), open, holder)) {
                        LOG.info("Runbook {} was claimed for {} but never started; starting it now",
                                runbook.name(), open);
                        start(new ScheduleCalendar.DueRun(runbook, schedule, open, Duration.between(open, now)));
                    }
                } else if (!lastFired.containsKey(schedule.key()) && !starting) {
                    ScheduleCalendar.latest(schedule, now).ifPresent(t -> store.remember(runbook.name(), schedule.key(), t));
                }
            }
        }
    }

    /** Starts a run this replica claimed, unless another replica has taken the claim over since. */
    private void start(ScheduleCalendar.DueRun run) {
        Runbook runbook = run.runbook();
        String schedule = run.schedule().key();
        Optional<String> channel = channel(runbook, run.schedule());
        if (channel.isEmpty()) {
            LOG.warn("Runbook {} is due ({}) but has nowhere to post: give the schedule a channel",
                    runbook.name(), run.schedule().cron());
            // Spent, not open: warned once per due time rather than on every tick.
            store.started(runbook.name(), schedule, run.scheduledFor(), holder);
            return;
        }
        Optional<String> note = Optional.empty();
        if (run.late().compareTo(LATE) > 0) {
            LOG.info("Runbook {} runs {} late for {} (the bot was not running then); once, not once per missed time",
                    runbook.name(), run.late(), run.scheduledFor());
            note = Optional.of(":clock3: Scheduled for " + SlackText.date(run.scheduledFor())
                    + "; runs late because opsbot was not running then (missed runs run once).");
        }
        String key = "schedule:" + runbook.name() + ":" + schedule + ":" + run.scheduledFor().toEpochMilli();
        boolean started = runs.startOnce(key, runbook, run.actor(), channel.get(), note,
                () -> store.started(runbook.name(), schedule, run.scheduledFor(), holder));
        if (!started) {
            LOG.info("Runbook {} for {} was taken over by another replica before it started here",
                    runbook.name(), run.scheduledFor());
        }
    }

    private Optional<String> channel(Runbook runbook, Schedule schedule) {
        return schedule.channel()
                .or(() -> Optional.ofNullable(config.teams().get(runbook.team())).flatMap(Team::channel))
                .or(() -> config.slack().defaultChannel());
    }
}
