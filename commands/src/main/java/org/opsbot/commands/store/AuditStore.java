package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.function.Consumer;

/**
 * The audit table, a hash chain. Append and read only: there is deliberately no update or
 * delete, so the record of who did what cannot be rewritten through the application. The one
 * exception is sealing: rows written before the chain existed (V2) get their place in it once,
 * by the first append after V5.
 */
public final class AuditStore {
    private static final String COLUMNS = "id, at, actor, action, subject, details, seq, prev_hash, hash";
    private static final RowMapper<Row> MAPPER = (rs, ctx) -> new Row(rs.getLong("id"), rs.getLong("at"),
            rs.getString("actor"), rs.getString("action"), rs.getString("subject"), rs.getString("details"),
            rs.getObject("seq") == null ? null : rs.getLong("seq"), rs.getString("prev_hash"), rs.getString("hash"));

    private final Database db;

    public AuditStore(Database db) {
        this.db = db;
    }

    /**
     * One row as stored; {@code details} is a JSON object. {@code seq}, {@code prevHash} and
     * {@code hash} are null only on a row that is not in the chain (which verify reports).
     */
    public record Row(long id, long at, String actor, String action, String subject, String details,
                      Long seq, String prevHash, String hash) {
    }

    /** The fields a hash covers, with the chain position and the hash before it. */
    public record Link(long seq, String prevHash, long at, String actor, String action, String subject, String details) {
    }

    /** The chain's last position and hash as the head row records them (0 and "" when empty). */
    public record Head(long seq, String hash) {
    }

    /** Computes an entry's hash from its link; lives with the audit log, not with the SQL. */
    @FunctionalInterface
    public interface Hasher {
        String hash(Link link);
    }

    /**
     * Appends one entry at the end of the chain, in one transaction with the head row. The head
     * is updated first: on PostgreSQL its row lock makes concurrent appends wait their turn (on
     * SQLite the single writer does), so two entries never claim the same predecessor.
     */
    public long append(long at, String actor, String action, String subject, String details, Hasher hasher) {
        return db.write(h -> {
            h.createUpdate("UPDATE audit_head SET seq = seq WHERE id = 1").execute();
            Head head = head(h);
            if (head.seq() == 0) {
                head = seal(h, hasher);
            }
            long seq = head.seq() + 1;
            String hash = hasher.hash(new Link(seq, head.hash(), at, actor, action, subject, details));
            long id = h.createUpdate("""
                            INSERT INTO audit (at, actor, action, subject, details, seq, prev_hash, hash)
                            VALUES (:at, :actor, :action, :subject, :details, :seq, :prev, :hash)""")
                    .bind("at", at)
                    .bind("actor", actor)
                    .bind("action", action)
                    .bind("subject", subject)
                    .bind("details", details)
                    .bind("seq", seq)
                    .bind("prev", head.hash())
                    .bind("hash", hash)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            h.createUpdate("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1")
                    .bind("seq", seq).bind("hash", hash).execute();
            return id;
        });
    }

    // Only while the chain is empty: rows older than it (written before V5) join it in id order.
    // Once the chain has begun, a row without a place in it is never adopted, so one slipped in
    // later by hand stays visible to verify.
    private static Head seal(Handle h, Hasher hasher) {
        List<Row> legacy = h.createQuery("SELECT " + COLUMNS + " FROM audit WHERE seq IS NULL ORDER BY id")
                .map(MAPPER).list();
        long seq = 0;
        String prev = "";
        for (Row r : legacy) {
            seq++;
            String hash = hasher.hash(new Link(seq, prev, r.at(), r.actor(), r.action(), r.subject(), r.details()));
            h.createUpdate("UPDATE audit SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id AND seq IS NULL")
                    .bind("seq", seq).bind("prev", prev).bind("hash", hash).bind("id", r.id()).execute();
            prev = hash;
        }
        return new Head(seq, prev);
    }

    private static Head head(Handle h) {
        return h.createQuery("SELECT seq, hash FROM audit_head WHERE id = 1")
                .map((rs, ctx) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .one();
    }

    public Head head() {
        return db.read(AuditStore::head);
    }

    /** The newest {@code limit} rows, newest first. */
    public List<Row> latest(int limit) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM audit ORDER BY id DESC LIMIT :limit")
                .bind("limit", limit)
                .map(MAPPER)
                .list());
    }

    /** Every row in id order, a page at a time, so a long log is never held in memory whole. */
    public void forEach(Consumer<Row> consumer) {
        long after = Long.MIN_VALUE;
        while (true) {
            long from = after;
            List<Row> page = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM audit WHERE id > :after ORDER BY id LIMIT 1000")
                    .bind("after", from)
                    .map(MAPPER)
                    .list());
            if (page.isEmpty()) {
                return;
            }
            page.forEach(consumer);
            after = page.get(page.size() - 1).id();
        }
    }
}
