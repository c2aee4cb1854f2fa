package org.opsbot.commands.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opsbot.commands.store.AuditStore;
import org.opsbot.commands.store.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only record of who did what, read by {@code /ops audit}. Entries are only ever
 * added; nothing here changes or removes one. Details must already be masked for secrets.
 *
 * <p>Entries form a hash chain (see {@link AuditChain}): {@link #verify()} finds an edited,
 * inserted or deleted entry.
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
        // Millisecond precision: the hash covers the stored value, so the entry must equal it.
        Instant at = Instant.ofEpochMilli(clock.instant().toEpochMilli());
        String json;
        try {
            json = JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain JSON values: " + e.getOriginalMessage(), e);
        }
        long id = store.append(at.toEpochMilli(), actor, action, subject, json, AuditChain::hash);
        return new AuditEntry(id, at, actor, action, subject, new LinkedHashMap<>(details));
    }

    /** The newest {@code n} entries (at most 500), newest first. */
    public List<AuditEntry> latest(int n) {
        return store.latest(Math.max(1, Math.min(n, MAX_LIMIT))).stream()
                .map(r -> new AuditEntry(r.id(), Instant.ofEpochMilli(r.at()), r.actor(), r.action(), r.subject(), parse(r.details())))
                .toList();
    }

    /** Walks the whole chain; reads only. */
    public AuditChain.Verification verify() {
        // The head first: entries appended while the walk runs then only extend the chain past it.
        AuditStore.Head head = store.head();
        AuditChain.Verifier verifier = new AuditChain.Verifier(head);
        store.forEach(verifier::accept);
        return verifier.finish(head);
    }

    /**
     * Writes every entry, oldest first, as one JSON object per line (JSON Lines), with its
     * chain fields, so an export can be verified and kept elsewhere.
     */
    public long exportJsonLines(Writer out) {
        long[] count = {0};
        store.forEach(r -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", r.id());
            line.put("seq", r.seq());
            line.put("at", Instant.ofEpochMilli(r.at()).toString());
            line.put("actor", r.actor());
            line.put("action", r.action());
            line.put("subject", r.subject());
            line.put("details", parse(r.details()));
            line.put("prev_hash", r.prevHash());
            line.put("hash", r.hash());
            try {
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count[0]++;
        });
        return count[0];
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", json);
        }
    }
}
