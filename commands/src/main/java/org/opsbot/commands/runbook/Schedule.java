package org.opsbot.commands.runbook;

import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When a runbook runs by itself: its checks, or one of its actions.
 *
 * @param cron     a five-field Unix cron expression ({@code 0 6 * * *})
 * @param timeZone the zone the expression is read in
 * @param channel  where the report (or the action's output) is posted; empty means the team's channel
 * @param action   set when the schedule runs an action instead of the checks
 */
public record Schedule(String cron, ZoneId timeZone, Optional<String> channel, Optional<ScheduledAction> action) {

    /** A schedule that runs the runbook's checks. */
    public Schedule(String cron, ZoneId timeZone, Optional<String> channel) {
        this(cron, timeZone, channel, Optional.empty());
    }

    /**
     * An action a schedule runs, with the parameter values written in the schedule: no approval
     * click, since the schedule itself is reviewed where the runbook is (in Git).
     *
     * @param params in key order
     */
    public record ScheduledAction(String id, Map<String, String> params) {
        public ScheduledAction {
            params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
        }
    }

    /** Whether this schedule runs the runbook's checks (not an action). */
    public boolean runsChecks() {
        return action.isEmpty();
    }

    /**
     * Identifies this schedule within its runbook (for "last fired" bookkeeping). A checks
     * schedule keeps the key it always had; an action's names the action and its values, so it
     * never shares its bookkeeping with the checks or another action at the same time.
     */
    public String key() {
        return cron + " " + timeZone.getId() + action.map(a -> " action:" + a.id() + (a.params().isEmpty() ? ""
                : " " + a.params())).orElse("");
    }

    /** The actor recorded for a run this schedule started: {@code schedule:<cron>}. */
    public String actor() {
        return "schedule:" + cron;
    }
}
