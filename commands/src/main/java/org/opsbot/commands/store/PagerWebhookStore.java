package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pager webhook outbox: a call is written here before it is sent, so a crash between the
 * escalation step and the pager's answer leaves it to be sent (again, with the same dedup key)
 * rather than lost. Whoever sends a call first claims it by pushing {@code next_attempt_at}
 * into the future with a compare-and-set, so the first attempt (made by the escalation step)
 * and the retrying worker never send one call at the same time.
 */
public final class PagerWebhookStore {
    public enum State { PENDING, DELIVERED, FAILED }

    /** One call, as stored. */
    public record Call(long id, String dedupKey, String subject, String team, int tier, String payload, State state,
                       int attempts, Instant nextAttemptAt, Optional<String> lastError) {
    }

    private static final String COLUMNS = "id, dedup_key, subject, team, tier, payload, state, attempts, next_attempt_at, last_error";

    private static final RowMapper<Call> CALL = (rs, ctx) -> new Call(rs.getLong("id"), rs.getString("dedup_key"),
            rs.getString("subject"), rs.getString("team"), rs.getInt("tier"), rs.getString("payload"),
            State.valueOf(rs.getString("state")), rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
            Optional.ofNullable(rs.getString("last_error")));

    private final Database db;
    private final Clock clock;

    public PagerWebhookStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Writes a call, claimed by its writer until {@code claimedUntil} (the first attempt is the
     * writer's; if the writer dies, the worker sends it after that).
     */
    public Call enqueue(String dedupKey, String subject, String team, int tier, String payload, Instant claimedUntil) {
        long now = clock.millis();
        long id = db.write(h -> h.createUpdate("""
                        INSERT INTO pager_webhook (dedup_key, subject, team, tier, payload, state, attempts, next_attempt_at,
                                                   created_at, updated_at)
                        VALUES (:dedupKey, :subject, :team, :tier, :payload, 'PENDING', 0, :next, :now, :now)""")
                .bind("dedupKey", dedupKey)
                .bind("subject", subject)
                .bind("team", team)
                .bind("tier", tier)
                .bind("payload", payload)
                .bind("next", claimedUntil.toEpochMilli())
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return new Call(id, dedupKey, subject, team, tier, payload, State.PENDING, 0, claimedUntil, Optional.empty());
    }

    /** Claims up to {@code limit} pending calls due at {@code now} for {@code claimFor}. */
    public List<Call> claimDue(Instant now, Duration claimFor, int limit) {
        List<Call> due = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM pager_webhook "
                        + "WHERE state = 'PENDING' AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT :limit")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(CALL)
                .list());
        List<Call> claimed = new ArrayList<>();
        long until = now.plus(claimFor).toEpochMilli();
        for (Call c : due) {
            boolean mine = db.write(h -> h.createUpdate("""
                            UPDATE pager_webhook SET next_attempt_at = :until, updated_at = :now
                            WHERE id = :id AND state = 'PENDING' AND next_attempt_at = :seen""")
                    .bind("until", until)
                    .bind("now", clock.millis())
                    .bind("id", c.id())
                    .bind("seen", c.nextAttemptAt().toEpochMilli())
                    .execute() == 1);
            if (mine) {
                claimed.add(new Call(c.id(), c.dedupKey(), c.subject(), c.team(), c.tier(), c.payload(), c.state(),
                        c.attempts(), Instant.ofEpochMilli(until), c.lastError()));
            }
        }
        return claimed;
    }

    /** The pager answered 2xx. */
    public void delivered(long id) {
        finish(id, State.DELIVERED, null, clock.instant());
    }

    /** Not sent, or not accepted for now: tried again at {@code next}. */
    public void retryAt(long id, Instant next, String error) {
        finish(id, State.PENDING, error, next);
    }

    /** Given up (a 4xx other than 429, or too many attempts). */
    public void failed(long id, String error) {
        finish(id, State.FAILED, error, clock.instant());
    }

    private void finish(long id, State state, String error, Instant next) {
        db.write(h -> h.createUpdate("""
                        UPDATE pager_webhook SET state = :state, attempts = attempts + 1, last_error = :error,
                               next_attempt_at = :next, updated_at = :now
                        WHERE id = :id AND state = 'PENDING'""")
                .bind("state", state.name())
                .bind("error", error)
                .bind("next", next.toEpochMilli())
                .bind("now", clock.millis())
                .bind("id", id)
                .execute());
    }

    public Optional<Call> find(long id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM pager_webhook WHERE id = :id")
                .bind("id", id).map(CALL).findOne());
    }

    /** A subject's calls, oldest first. */
    public List<Call> forSubject(String subject) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM pager_webhook WHERE subject = :subject ORDER BY id")
                .bind("subject", subject).map(CALL).list());
    }
}
