package org.opsbot.commands.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One thing someone did.
 *
 * @param actor   a Slack user id, {@code schedule:<cron>}, {@code cli} or {@code system}
 * @param action  what, e.g. {@code check.run}, {@code checklist.tick}
 * @param subject what it was done to, e.g. the runbook's name
 * @param details a JSON object's fields
 */
public record AuditEntry(long id, Instant at, String actor, String action, String subject, Map<String, Object> details) {
    public AuditEntry {
        // JSON may hold nulls, which Map.copyOf refuses.
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
