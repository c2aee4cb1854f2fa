package org.opsbot.bot.actions;

import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.approval.ScheduledActionAlerts;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.runbook.ScheduleCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs runbook actions on their schedules ({@code {cron: …, action: full-sync, params: {…}}}):
 * with the values written in the schedule and no approval click, audited as run by schedule,
 * the output in the schedule's channel (or the team's). Which runs this replica starts, once
 * across replicas and a missed run once after downtime, is decided by {@link RunbookSchedules}
 * as for scheduled checks. A failed run fires an alert for the runbook's team, which escalates
 * like any other; the next success resolves it.
 */
final class ScheduledActions implements Scheduler.Job {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledActions.class);
    // Within a couple of ticks is on time; beyond, the thread says it runs late and why.
    private static final Duration LATE = Duration.ofMinutes(2);

    private final Approvals approvals;
    // Fully named: inside a Scheduler.Job, "Runs" is where the job runs.
    private final org.opsbot.bot.actions.Runs runs;
    private final RunbookSchedules schedules;
    private final ScheduledActionAlerts alerts;
    private final Consumer<Notification> raise;
    private final java.util.function.Supplier<OpsbotConfig> config;
    private final Executor executor;

    ScheduledActions(Approvals approvals, org.opsbot.bot.actions.Runs runs, RunbookSchedules schedules, ScheduledActionAlerts alerts,
                     Consumer<Notification> raise, java.util.function.Supplier<OpsbotConfig> config, Executor executor) {
        this.approvals = approvals;
        this.runs = runs;
        this.schedules = schedules;
        this.alerts = alerts;
        this.raise = raise;
        this.config = config;
        this.executor = executor;
    }

    @Override
    public String name() {
        return "scheduled actions";
    }

    @Override
    public void runDue(Instant now) {
        approvals.all().stream().map(Approvals.Target::runbook).distinct()
                .forEach(runbook -> schedules.claimDueActions(runbook, now).forEach(this::start));
    }

    /** Starts a run this replica claimed, unless another replica has taken the claim over since. */
    private void start(ScheduleCalendar.DueRun run) {
        Runbook runbook = run.runbook();
        Optional<String> channel = channel(runbook, run.schedule());
        // Marked started before it runs: a crash while it runs leaves an interrupted request
        // (never run twice), not a claim the next lease holder would run again.
        if (!schedules.started(run)) {
            LOG.info("Scheduled action of {} for {} was taken over by another replica", runbook.name(), run.scheduledFor());
            return;
        }
        if (channel.isEmpty()) {
            LOG.warn("Scheduled action {} of {} is due ({}) but has nowhere to post: give the schedule a channel",
                    run.schedule().action().orElseThrow().id(), runbook.name(), run.schedule().cron());
            return;
        }
        executor.execute(() -> runNow(run, channel.get()));
    }

    private void runNow(ScheduleCalendar.DueRun run, String channel) {
        Runbook runbook = run.runbook();
        Schedule schedule = run.schedule();
        Schedule.ScheduledAction scheduled = schedule.action().orElseThrow();
        Optional<Action> action = runbook.actions().stream().filter(a -> a.id().equals(scheduled.id())).findFirst();
        Optional<String> note = Optional.empty();
        if (run.late().compareTo(LATE) > 0) {
            note = Optional.of(":clock3: Scheduled for " + SlackText.date(run.scheduledFor())
                    + "; runs late because opsbot was not running then (missed runs run once).");
        }
        try {
            if (action.isEmpty()) {
                failed(runbook, schedule, "the runbook has no action " + scheduled.id());
                return;
            }
            ActionRequest request;
            try {
                request = approvals.requestBySchedule(new Approvals.Target(runbook, action.get()), scheduled.params(),
                        run.actor(), channel);
            } catch (InvalidParameters e) {
                failed(runbook, schedule, "its values were refused: " + String.join("; ", e.problems()));
                return;
            }
            Optional<Approvals.RanRequest> ran = runs.bySchedule(request, note);
            if (ran.isEmpty()) {
                return;
            }
            if (ran.get().result().succeeded()) {
                alerts.succeeded(runbook, schedule).ifPresent(this::tell);
            } else {
                failed(runbook, schedule, ran.get().result().summary() + " (request #" + request.id() + ")");
            }
        } catch (RuntimeException e) {
            LOG.error("Scheduled action {} of {} for {} failed", scheduled.id(), runbook.name(), run.scheduledFor(), e);
            try {
                failed(runbook, schedule, "opsbot could not run it: " + e.getClass().getSimpleName());
            } catch (RuntimeException again) {
                LOG.error("... and its failure could not be raised as an alert either", again);
            }
        }
    }

    private void failed(Runbook runbook, Schedule schedule, String why) {
        LOG.warn("Scheduled action {} of {} failed: {}", schedule.action().orElseThrow().id(), runbook.name(), why);
        tell(alerts.failed(runbook, schedule, why));
    }

    private void tell(ScheduledActionAlerts.Change change) {
        raise.accept(change.notification());
        alerts.told(change);
    }

    private Optional<String> channel(Runbook runbook, Schedule schedule) {
        return schedule.channel()
                .or(() -> Optional.ofNullable(config.get().teams().get(runbook.team())).flatMap(Team::channel))
                .or(() -> config.get().slack().defaultChannel());
    }
}
