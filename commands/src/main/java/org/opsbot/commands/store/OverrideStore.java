package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** On-call overrides; they end by themselves at their end time or are cancelled, nothing deletes them. */
public final class OverrideStore {
    private static final RowMapper<OnCallOverride> MAPPER = (rs, ctx) -> new OnCallOverride(
            rs.getLong("id"),
            rs.getString("schedule"),
            rs.getString("user_id"),
            Instant.ofEpochMilli(rs.getLong("starts_at")),
            Instant.ofEpochMilli(rs.getLong("ends_at")),
            rs.getString("created_by"),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Database db;
    private final Clock clock;

    public OverrideStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public OnCallOverride add(String schedule, String user, Instant from, Instant until, String createdBy) {
        long now = clock.millis();
        long id = db.write(h -> h.createUpdate("""
                        INSERT INTO on_call_override (schedule, user_id, starts_at, ends_at, created_by, created_at)
                        VALUES (:schedule, :user, :from, :until, :by, :now)""")
                .bind("schedule", schedule)
                .bind("user", user)
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bind("by", createdBy)
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return new OnCallOverride(id, schedule, user, from, until, createdBy, Instant.ofEpochMilli(now));
    }

    /** Every override still in force at or after {@code from}: what on-call answers need. */
    public List<OnCallOverride> endingAfter(Instant from) {
        return db.read(h -> h.createQuery("""
                        SELECT id, schedule, user_id, starts_at, ends_at, created_by, created_at
                        FROM on_call_override WHERE ends_at > :from AND cancelled_at IS NULL ORDER BY id""")
                .bind("from", from.toEpochMilli())
                .map(MAPPER)
                .list());
    }

    /** The override with this id, unless it was cancelled. */
    public java.util.Optional<OnCallOverride> find(long id) {
        return db.read(h -> h.createQuery("""
                        SELECT id, schedule, user_id, starts_at, ends_at, created_by, created_at
                        FROM on_call_override WHERE id = :id AND cancelled_at IS NULL""")
                .bind("id", id)
                .map(MAPPER)
                .findOne());
    }

    /** Cancels it; false when it was already cancelled (by someone else, a moment ago). */
    public boolean cancel(long id, String by) {
        return db.write(h -> h.createUpdate("""
                        UPDATE on_call_override SET cancelled_at = :now, cancelled_by = :by
                        WHERE id = :id AND cancelled_at IS NULL""")
                .bind("id", id)
                .bind("by", by)
                .bind("now", clock.millis())
                .execute()) == 1;
    }
}
