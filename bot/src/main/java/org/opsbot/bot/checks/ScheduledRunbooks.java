package org.opsbot.bot.checks;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.opsbot.commands.runbook.ScheduleCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs runbooks on their cron schedules and posts the reports to the schedule's channel (or
 * the team's, or {@code slack.default-channel}). Which runs this replica starts, and once only,
 * is decided by {@link RunbookSchedules}.
 */
final class ScheduledRunbooks implements Scheduler.Job {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledRunbooks.class);
    // Within a couple of ticks is on time; beyond, the report says it is late and why.
    private static final Duration LATE = Duration.ofMinutes(2);

    private final RunbookCatalog catalog;
    private final RunbookSchedules schedules;
    private final ChannelRun runs;
    private final Supplier<OpsbotConfig> config;

    /** @param schedules claims the due runs for this replica */
    ScheduledRunbooks(RunbookCatalog catalog, RunbookSchedules schedules, ChannelRun runs, Supplier<OpsbotConfig> config) {
        this.catalog = catalog;
        this.schedules = schedules;
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
            schedules.claimDue(runbook, now).forEach(this::start);
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
            schedules.started(run);
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
                () -> schedules.started(run));
        if (!started) {
            LOG.info("Runbook {} for {} was taken over by another replica before it started here",
                    runbook.name(), run.scheduledFor());
        }
    }

    private Optional<String> channel(Runbook runbook, Schedule schedule) {
        return schedule.channel()
                .or(() -> Optional.ofNullable(config.get().teams().get(runbook.team())).flatMap(Team::channel))
                .or(() -> config.get().slack().defaultChannel());
    }
}
