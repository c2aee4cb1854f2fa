package org.opsbot.commands.store;

import java.util.List;

/**
 * The audit table. Append and read only: there is deliberately no update or delete, so the
 * record of who did what cannot be rewritten through the application.
 */
public final class AuditStore {
    private final Database db;

    public AuditStore(Database db) {
        this.db = db;
    }

    /** One row as stored; {@code details} is a JSON object. */
    public record Row(long id, long at, String actor, String action, String subject, String details) {
    }

    public long append(long at, String actor, String action, String subject, String details) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO audit (at, actor, action, subject, details) VALUES (:at, :actor, :action, :subject, :details)""")
                .bind("at", at)
                .bind("actor", actor)
                .bind("action", action)
                .bind("subject", subject)
                .bind("details", details)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    /** The newest {@code limit} rows, newest first. */
    public List<Row> latest(int limit) {
        return db.read(h -> h.createQuery("SELECT id, at, actor, action, subject, details FROM audit ORDER BY id DESC LIMIT :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getLong("at"), rs.getString("actor"), rs.getString("action"),
                        rs.getString("subject"), rs.getString("details")))
                .list());
    }
}
