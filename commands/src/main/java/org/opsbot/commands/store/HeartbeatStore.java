package org.opsbot.commands.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The check-ins of heartbeats, and whether opsbot has told its alert intake that one is missed.
 * Changing {@link #alerting} is conditional on what it was, so of two replicas (or a check-in
 * and the overdue job) that both saw a change only one records it.
 */
public final class HeartbeatStore {
    /** One heartbeat's row. */
    public record Row(String name, Instant firstSeenAt, Optional<Instant> lastBeatAt, boolean alerting) {
    }

    private final Database db;

    public HeartbeatStore(Database db) {
        this.db = db;
    }

    /** Remembers a heartbeat from {@code now} on, unless it is known already. */
    public void known(String name, Instant now) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO heartbeat (name, first_seen_at) VALUES (:name, :now)
                        ON CONFLICT (name) DO NOTHING""")
                .bind("name", name)
                .bind("now", now.toEpochMilli())
                .execute());
    }

    /**
     * Forgets a heartbeat no longer configured, unless its missed alert is still firing (it is
     * resolved first), so that one added again later counts from then, not from old check-ins.
     */
    public void forget(String name) {
        db.write(h -> h.createUpdate("DELETE FROM heartbeat WHERE name = :name AND alerting = 0")
                .bind("name", name)
                .execute());
    }

    /** Records a check-in at {@code now} and answers the row as it is afterwards. */
    public Row beat(String name, Instant now) {
        return db.write(h -> {
            h.createUpdate("""
                            INSERT INTO heartbeat (name, first_seen_at, last_beat_at) VALUES (:name, :now, :now)
                            ON CONFLICT (name) DO UPDATE SET last_beat_at = excluded.last_beat_at""")
                    .bind("name", name)
                    .bind("now", now.toEpochMilli())
                    .execute();
            return h.createQuery("SELECT name, first_seen_at, last_beat_at, alerting FROM heartbeat WHERE name = :name")
                    .bind("name", name)
                    .map((rs, ctx) -> row(rs))
                    .one();
        });
    }

    /** Every known heartbeat by name. */
    public Map<String, Row> all() {
        return db.read(h -> {
            Map<String, Row> out = new LinkedHashMap<>();
            h.createQuery("SELECT name, first_seen_at, last_beat_at, alerting FROM heartbeat ORDER BY name")
                    .map((rs, ctx) -> row(rs))
                    .forEach(r -> out.put(r.name(), r));
            return out;
        });
    }

    /**
     * Records that the alert intake was told {@code alerting}, if the row still says the
     * opposite. Returns whether this caller changed it.
     */
    public boolean alerting(String name, boolean alerting) {
        return db.write(h -> h.createUpdate("UPDATE heartbeat SET alerting = :to WHERE name = :name AND alerting = :from")
                .bind("name", name)
                .bind("to", alerting ? 1 : 0)
                .bind("from", alerting ? 0 : 1)
                .execute() == 1);
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        long last = rs.getLong("last_beat_at");
        Optional<Instant> lastBeat = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last));
        return new Row(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("first_seen_at")), lastBeat,
                rs.getInt("alerting") == 1);
    }
}
