package org.opsbot.commands.approval;

import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.alert.OpsbotSource;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.RaisedAlertStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The alert of a scheduled action: a failed run fires it for the runbook's team, the next
 * successful run resolves it. A success with nothing firing sends nothing, so a healthy job
 * never opens a group. The caller hands the {@link Notification} to the alert intake and then
 * records it with {@link #told}; a crash in between is caught up by the next run.
 */
public final class ScheduledActionAlerts {
    /** The {@code alertname} of a failed scheduled action. */
    public static final String ALERTNAME = "ScheduledActionFailed";

    private final RaisedAlertStore store;

    public ScheduledActionAlerts(Database db) {
        this.store = new RaisedAlertStore(db);
    }

    /** What to tell the alert intake about one run, and what to record once it was told. */
    public record Change(String raisedBy, boolean alerting, Notification notification) {
    }

    /** The alert a failed run fires; {@code why} says what failed, for the alert's summary. */
    public Change failed(Runbook runbook, Schedule schedule, String why) {
        String raisedBy = raisedBy(runbook, schedule);
        String action = schedule.action().orElseThrow().id();
        return new Change(raisedBy, true, OpsbotSource.alert(raisedBy, runbook.team(), ALERTNAME, true,
                labels(runbook, action), title(runbook, action), "Scheduled action " + runbook.name() + "/" + action + " ("
                        + schedule.cron() + ") failed: " + why));
    }

    /** The resolution a successful run sends, when its alert fires. */
    public Optional<Change> succeeded(Runbook runbook, Schedule schedule) {
        String raisedBy = raisedBy(runbook, schedule);
        if (!store.alerting(raisedBy)) {
            return Optional.empty();
        }
        String action = schedule.action().orElseThrow().id();
        return Optional.of(new Change(raisedBy, false, OpsbotSource.alert(raisedBy, runbook.team(), ALERTNAME, false,
                labels(runbook, action), title(runbook, action),
                "Scheduled action " + runbook.name() + "/" + action + " succeeded again")));
    }

    public void told(Change change) {
        store.alerting(change.raisedBy(), change.alerting());
    }

    private static String title(Runbook runbook, String action) {
        return "Scheduled action " + runbook.name() + "/" + action + " failed";
    }

    private static String raisedBy(Runbook runbook, Schedule schedule) {
        return "scheduled-action:" + runbook.name() + ":" + schedule.key();
    }

    private static Map<String, String> labels(Runbook runbook, String action) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("runbook", runbook.name());
        labels.put("action", action);
        return labels;
    }
}
