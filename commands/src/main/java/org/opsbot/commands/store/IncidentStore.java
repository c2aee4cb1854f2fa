package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.Incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Incidents, their linked alert groups and their own events. */
public final class IncidentStore {
    private static final String COLUMNS = """
            id, severity, title, team, commander, declared_by, state, origin_channel, channel_id, message_id, declared_at,
            acked_at, acked_by, mitigated_at, resolved_at, resolved_by, last_update_at, reminded_at""";

    private static final RowMapper<Incident> INCIDENT = (rs, ctx) -> new Incident(
            rs.getLong("id"),
            rs.getString("severity"),
            rs.getString("title"),
            Optional.ofNullable(rs.getString("team")),
            rs.getString("commander"),
            rs.getString("declared_by"),
            Incident.State.valueOf(rs.getString("state")),
            Optional.ofNullable(rs.getString("origin_channel")),
            Optional.ofNullable(rs.getString("channel_id")),
            optionalLong(rs, "message_id"),
            Instant.ofEpochMilli(rs.getLong("declared_at")),
            optionalLong(rs, "acked_at").map(Instant::ofEpochMilli),
            Optional.ofNullable(rs.getString("acked_by")),
            optionalLong(rs, "mitigated_at").map(Instant::ofEpochMilli),
            optionalLong(rs, "resolved_at").map(Instant::ofEpochMilli),
            Optional.ofNullable(rs.getString("resolved_by")),
            Instant.ofEpochMilli(rs.getLong("last_update_at")),
            optionalLong(rs, "reminded_at").map(Instant::ofEpochMilli));

    /** A row of {@code incident_event}. */
    public record Event(long id, long incidentId, long at, String actor, String kind, String text) {
    }

    /** A linked alert group. */
    public record Link(long incidentId, long alertGroupId, String linkedBy, long linkedAt) {
    }

    /** An audit row about one of an incident's subjects. */
    public record AuditRow(long id, long at, String actor, String action, String subject, String details) {
    }

    private final Database db;

    public IncidentStore(Database db) {
        this.db = db;
    }

    /** Stores a new incident with its first event, in one transaction; answers it with its id. */
    public Incident declare(Incident draft, String eventText) {
        return db.write(h -> {
            long id = h.createUpdate("""
                            INSERT INTO incident (severity, title, team, commander, declared_by, state, origin_channel,
                                                  declared_at, last_update_at)
                            VALUES (:severity, :title, :team, :commander, :by, 'OPEN', :origin, :at, :at)""")
                    .bind("severity", draft.severity())
                    .bind("title", draft.title())
                    .bind("team", draft.team().orElse(null))
                    .bind("commander", draft.commander())
                    .bind("by", draft.declaredBy())
                    .bind("origin", draft.originChannel().orElse(null))
                    .bind("at", draft.declaredAt().toEpochMilli())
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            insertEvent(h, id, draft.declaredAt().toEpochMilli(), draft.declaredBy(), "DECLARED", eventText);
            return h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE id = :id").bind("id", id).map(INCIDENT).one();
        });
    }

    public Optional<Incident> find(long id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE id = :id")
                .bind("id", id).map(INCIDENT).findOne());
    }

    /** Open incidents, oldest first. */
    public List<Incident> open() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE state = 'OPEN' ORDER BY id")
                .map(INCIDENT).list());
    }

    /** Open incidents declared in {@code channel}, oldest first. */
    public List<Incident> openIn(String channel) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM incident WHERE state = 'OPEN' AND (origin_channel = :channel OR channel_id = :channel) ORDER BY id")
                .bind("channel", channel).map(INCIDENT).list());
    }

    /** The newest incident declared in {@code channel}, open or not. */
    public Optional<Incident> latestIn(String channel) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM incident WHERE origin_channel = :channel OR channel_id = :channel ORDER BY id DESC LIMIT 1")
                .bind("channel", channel).map(INCIDENT).findOne());
    }

    /**
     * Saves {@code next} and its event when the stored row still equals {@code was} in the
     * fields people change: two people acting at once are applied one after the other, never
     * one over the other. False when someone else changed it first.
     */
    public boolean change(Incident was, Incident next, long at, String actor, String kind, String text) {
        return db.write(h -> {
            int rows = h.createUpdate("""
                            UPDATE incident SET severity = :severity, title = :title, commander = :commander,
                                   state = :state, acked_at = :ackedAt, acked_by = :ackedBy,
                                   mitigated_at = :mitigatedAt, resolved_at = :resolvedAt, resolved_by = :resolvedBy,
                                   last_update_at = :lastUpdateAt,
                                   -- only an update starts a new quiet spell; a reminder claimed meanwhile stays claimed
                                   reminded_at = CASE WHEN :newSpell THEN NULL ELSE reminded_at END
                            WHERE id = :id AND state = :wasState AND commander = :wasCommander
                              AND last_update_at = :wasLastUpdate
                              AND COALESCE(acked_at, -1) = :wasAcked AND COALESCE(mitigated_at, -1) = :wasMitigated""")
                    .bind("severity", next.severity())
                    .bind("title", next.title())
                    .bind("commander", next.commander())
                    .bind("state", next.state().name())
                    .bind("ackedAt", millis(next.ackedAt()))
                    .bind("ackedBy", next.ackedBy().orElse(null))
                    .bind("mitigatedAt", millis(next.mitigatedAt()))
                    .bind("resolvedAt", millis(next.resolvedAt()))
                    .bind("resolvedBy", next.resolvedBy().orElse(null))
                    .bind("lastUpdateAt", next.lastUpdateAt().toEpochMilli())
                    .bind("newSpell", !next.lastUpdateAt().equals(was.lastUpdateAt()))
                    .bind("id", was.id())
                    .bind("wasState", was.state().name())
                    .bind("wasCommander", was.commander())
                    .bind("wasLastUpdate", was.lastUpdateAt().toEpochMilli())
                    .bind("wasAcked", was.ackedAt().map(Instant::toEpochMilli).orElse(-1L))
                    .bind("wasMitigated", was.mitigatedAt().map(Instant::toEpochMilli).orElse(-1L))
                    .execute();
            if (rows == 1 && kind != null) {
                insertEvent(h, was.id(), at, actor, kind, text);
            }
            return rows == 1;
        });
    }

    /** Records the incident message; false when one was recorded already. */
    public boolean attachMessage(long id, long outboxId) {
        return db.write(h -> h.createUpdate("UPDATE incident SET message_id = :m WHERE id = :id AND message_id IS NULL")
                .bind("m", outboxId).bind("id", id).execute() == 1);
    }

    /** Records the incident's own channel; false when one was recorded already. */
    public boolean attachChannel(long id, String channelId) {
        return db.write(h -> h.createUpdate("UPDATE incident SET channel_id = :c WHERE id = :id AND channel_id IS NULL")
                .bind("c", channelId).bind("id", id).execute() == 1);
    }

    /** Marks the reminder sent, once per quiet spell, even with several replicas. */
    public boolean reminded(long id, long lastUpdateAt, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE incident SET reminded_at = :now
                        WHERE id = :id AND state = 'OPEN' AND last_update_at = :last AND reminded_at IS NULL""")
                .bind("now", now).bind("id", id).bind("last", lastUpdateAt).execute() == 1);
    }

    public List<Event> events(long incidentId) {
        return db.read(h -> h.createQuery("""
                        SELECT id, incident_id, at, actor, kind, text FROM incident_event
                        WHERE incident_id = :id ORDER BY at, id""")
                .bind("id", incidentId)
                .map((rs, ctx) -> new Event(rs.getLong("id"), rs.getLong("incident_id"), rs.getLong("at"),
                        rs.getString("actor"), rs.getString("kind"), rs.getString("text")))
                .list());
    }

    /** Links an alert group (once); false when it was linked already. */
    public boolean link(long incidentId, long alertGroupId, String by, long at, String text) {
        return db.write(h -> {
            boolean known = h.createQuery("""
                            SELECT COUNT(*) FROM incident_alert_group WHERE incident_id = :i AND alert_group_id = :g""")
                    .bind("i", incidentId).bind("g", alertGroupId).mapTo(Long.class).one() > 0;
            if (known) {
                return false;
            }
            h.createUpdate("""
                            INSERT INTO incident_alert_group (incident_id, alert_group_id, linked_by, linked_at)
                            VALUES (:i, :g, :by, :at)""")
                    .bind("i", incidentId).bind("g", alertGroupId).bind("by", by).bind("at", at).execute();
            insertEvent(h, incidentId, at, by, "LINKED", text);
            return true;
        });
    }

    public List<Link> links(long incidentId) {
        return db.read(h -> h.createQuery("""
                        SELECT incident_id, alert_group_id, linked_by, linked_at FROM incident_alert_group
                        WHERE incident_id = :i ORDER BY linked_at, alert_group_id""")
                .bind("i", incidentId)
                .map((rs, ctx) -> new Link(rs.getLong("incident_id"), rs.getLong("alert_group_id"),
                        rs.getString("linked_by"), rs.getLong("linked_at")))
                .list());
    }

    /** The audit log's entries about these subjects, oldest first. */
    public List<AuditRow> auditAbout(Collection<String> subjects) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        return db.read(h -> h.createQuery("""
                        SELECT id, at, actor, action, subject, details FROM audit
                        WHERE subject IN (<subjects>) ORDER BY at, id""")
                .bindList("subjects", List.copyOf(subjects))
                .map((rs, ctx) -> new AuditRow(rs.getLong("id"), rs.getLong("at"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("subject"), rs.getString("details")))
                .list());
    }

    /**
     * What the audit log has about these runbooks between {@code from} and {@code to}: their
     * check runs (subject: the runbook) and actions (subject: {@code runbook/action}), oldest first.
     */
    public List<AuditRow> auditAboutRunbooks(Collection<String> runbooks, long from, long to) {
        if (runbooks.isEmpty()) {
            return List.of();
        }
        return db.read(h -> h.createQuery("""
                        SELECT id, at, actor, action, subject, details FROM audit
                        WHERE at BETWEEN :from AND :to ORDER BY at, id""")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> new AuditRow(rs.getLong("id"), rs.getLong("at"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("subject"), rs.getString("details")))
                .filter(r -> runbooks.stream().anyMatch(rb -> r.subject().equals(rb) || r.subject().startsWith(rb + "/")))
                .list());
    }

    private static void insertEvent(org.jdbi.v3.core.Handle h, long incidentId, long at, String actor, String kind, String text) {
        h.createUpdate("""
                        INSERT INTO incident_event (incident_id, at, actor, kind, text)
                        VALUES (:i, :at, :actor, :kind, :text)""")
                .bind("i", incidentId).bind("at", at).bind("actor", actor).bind("kind", kind).bind("text", text)
                .execute();
    }

    private static Long millis(Optional<Instant> at) {
        return at.map(Instant::toEpochMilli).orElse(null);
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
