package org.opsbot.commands.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opsbot.commands.store.AuditStore;
import org.opsbot.commands.store.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only record of who did what, read by {@code /ops audit}. Entries are only ever
 * added; nothing here changes or removes one. Details must already be masked for secrets.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LIMIT = 500;

    private final AuditStore store;
    private final Clock clock;

    public AuditLog(Database db, Clock clock) {
        this.store = new AuditStore(db);
        this.clock = clock;
    }

    public AuditEntry append(String actor, String action, String subject, Map<String, ?> details) {
        Instant at = clock.instant();
        String json;
        try {
            json = JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain JSON values: " + e.getOriginalMessage(), e);
        }
        long id = store.append(at.toEpochMilli(), actor, action, subject, json);
        return new AuditEntry(id, at, actor, action, subject, new LinkedHashMap<>(details));
    }

    /** The newest {@code n} entries (at most 500), newest first. */
    public List<AuditEntry> latest(int n) {
        return store.latest(Math.max(1, Math.min(n, MAX_LIMIT))).stream()
                .map(r -> new AuditEntry(r.id(), Instant.ofEpochMilli(r.at()), r.actor(), r.action(), r.subject(), parse(r.details())))
                .toList();
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", json);
        }
    }
}
