package org.opsbot.commands.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Named leases: work that only one replica may do at a time (sending the outbox, firing
 * timers) is done by whoever holds its lease. A holder that dies stops renewing, and another
 * replica takes over once the lease has expired.
 *
 * <p>Taking a lease is one conditional UPDATE, which both SQLite and PostgreSQL execute
 * atomically, so no row locking clause is needed here.
 */
public final class LeaseStore {
    private final Database db;
    private final Clock clock;

    public LeaseStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Takes or renews the lease; true while {@code holder} has it for the next {@code ttl}. */
    public boolean acquire(String name, String holder, Duration ttl) {
        long now = clock.millis();
        return db.write(h -> {
            h.createUpdate("""
                            INSERT INTO lease (name, holder, expires_at) VALUES (:name, :holder, :until)
                            ON CONFLICT (name) DO NOTHING""")
                    .bind("name", name)
                    .bind("holder", holder)
                    .bind("until", now + ttl.toMillis())
                    .execute();
            return h.createUpdate("""
                            UPDATE lease SET holder = :holder, expires_at = :until
                            WHERE name = :name AND (holder = :holder OR expires_at < :now)""")
                    .bind("name", name)
                    .bind("holder", holder)
                    .bind("until", now + ttl.toMillis())
                    .bind("now", now)
                    .execute() == 1;
        });
    }

    /** A lease as stored: who holds it, and until when (epoch milliseconds). */
    public record Lease(String name, String holder, long expiresAt) {
    }

    /**
     * The leases that anyone but {@code holder} holds or last held, expired or not: a holder
     * that keeps renewing them is a live process sharing this database.
     */
    public List<Lease> heldByOthers(String holder) {
        return db.read(h -> h.createQuery("SELECT name, holder, expires_at FROM lease WHERE holder <> :holder")
                .bind("holder", holder)
                .map((rs, ctx) -> new Lease(rs.getString("name"), rs.getString("holder"), rs.getLong("expires_at")))
                .list());
    }

    /** Gives the lease up at once (a clean shutdown), so another replica need not wait it out. */
    public void release(String name, String holder) {
        db.write(h -> h.createUpdate("DELETE FROM lease WHERE name = :name AND holder = :holder")
                .bind("name", name)
                .bind("holder", holder)
                .execute());
    }
}
