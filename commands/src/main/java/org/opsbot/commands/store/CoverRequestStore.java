package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.CoverRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Cover requests; taking one is a single conditional UPDATE, so of two clicks one wins. */
public final class CoverRequestStore {
    private static final RowMapper<CoverRequest> MAPPER = (rs, ctx) -> {
        long override = rs.getLong("override_id");
        Optional<Long> overrideId = rs.wasNull() ? Optional.empty() : Optional.of(override);
        return new CoverRequest(rs.getLong("id"), rs.getString("schedule"), rs.getString("requested_by"),
                Instant.ofEpochMilli(rs.getLong("starts_at")), Instant.ofEpochMilli(rs.getLong("ends_at")),
                rs.getString("reason"), Optional.ofNullable(rs.getString("taken_by")), overrideId);
    };

    private final Database db;
    private final Clock clock;

    public CoverRequestStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public CoverRequest add(String schedule, String requestedBy, Instant from, Instant until, String reason) {
        long id = db.write(h -> h.createUpdate("""
                        INSERT INTO cover_request (schedule, requested_by, starts_at, ends_at, reason, created_at)
                        VALUES (:schedule, :by, :from, :until, :reason, :now)""")
                .bind("schedule", schedule)
                .bind("by", requestedBy)
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bind("reason", reason)
                .bind("now", clock.millis())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return new CoverRequest(id, schedule, requestedBy, from, until, reason, Optional.empty(), Optional.empty());
    }

    public Optional<CoverRequest> find(long id) {
        return db.read(h -> h.createQuery("""
                        SELECT id, schedule, requested_by, starts_at, ends_at, reason, taken_by, override_id
                        FROM cover_request WHERE id = :id""")
                .bind("id", id)
                .map(MAPPER)
                .findOne());
    }

    /** Takes it for {@code by}; false when someone took it first. */
    public boolean take(long id, String by) {
        return db.write(h -> h.createUpdate("""
                        UPDATE cover_request SET taken_by = :by, taken_at = :now WHERE id = :id AND taken_by IS NULL""")
                .bind("id", id)
                .bind("by", by)
                .bind("now", clock.millis())
                .execute()) == 1;
    }

    /** Gives a take back, when its override could not be made after all. */
    public void release(long id, String by) {
        db.write(h -> h.createUpdate("""
                        UPDATE cover_request SET taken_by = NULL, taken_at = NULL WHERE id = :id AND taken_by = :by""")
                .bind("id", id)
                .bind("by", by)
                .execute());
    }

    public void covered(long id, long overrideId) {
        db.write(h -> h.createUpdate("UPDATE cover_request SET override_id = :o WHERE id = :id")
                .bind("id", id)
                .bind("o", overrideId)
                .execute());
    }
}
