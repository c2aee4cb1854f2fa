package org.opsbot.commands.runbook;

import java.time.ZoneId;
import java.util.Optional;

/**
 * When a runbook runs by itself.
 *
 * @param cron     a five-field Unix cron expression ({@code 0 6 * * *})
 * @param timeZone the zone the expression is read in
 * @param channel  where the report is posted; empty means the team's channel
 */
public record Schedule(String cron, ZoneId timeZone, Optional<String> channel) {
    /** Identifies this schedule within its runbook (for "last fired" bookkeeping). */
    public String key() {
        return cron + " " + timeZone.getId();
    }

    /** The actor recorded for a run this schedule started: {@code schedule:<cron>}. */
    public String actor() {
        return "schedule:" + cron;
    }
}
