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
 * rather than lost. Calls are written due at once and sent by one worker; whoever sends a call
 * claims it first by pushing {@code next_attempt_at} into the future with a compare-and-set, so
 * two senders (say, replicas around a lease hand-over) never send one call at the same time.
 */
public final class PagerWebhookStore {
    public enum State { PENDING, DELIVERED, FAILED }

    /** What a call tells the pager. */
    public enum Event { TRIGGER, ACKNOWLEDGE, RESOLVE }

    /**
     * One call, as stored.
     *
     * @param countedAlone a page that was all that reached its tier: its tier counted as reached
     *                     on the strength of this page alone
     */
    public record Call(long id, String dedupKey, String subject, String team, int tier, Event event, String payload,
                       State state, int attempts, Instant nextAttemptAt, Optional<String> lastError, boolean countedAlone) {
        Call claimedUntil(Instant until) {
            return new Call(id, dedupKey, subject, team, tier, event, payload, state, attempts, until, lastError,
                    countedAlone);
        }
    }

    private static final String COLUMNS =
            "id, dedup_key, subject, team, tier, event, payload, state, attempts, next_attempt_at, last_error, counted_alone";

    private static final RowMapper<Call> CALL = (rs, ctx) -> new Call(rs.getLong("id"), rs.getString("dedup_key"),
            rs.getString("subject"), rs.getString("team"), rs.getInt("tier"), Event.valueOf(rs.getString("event")),
            rs.getString("payload"), State.valueOf(rs.getString("state")), rs.getInt("attempts"),
            Instant.ofEpochMilli(rs.getLong("next_attempt_at")), Optional.ofNullable(rs.getString("last_error")),
            rs.getInt("counted_alone") == 1);

    private final Database db;
    private final Clock clock;

    public PagerWebhookStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Writes a page, due at once: the worker sends it. */
    public Call enqueue(String dedupKey, String subject, String team, int tier, String payload, Instant dueAt) {
        return enqueue(dedupKey, subject, team, tier, Event.TRIGGER, payload, dueAt);
    }

    /** Writes a call, due at {@code dueAt} (usually now: the worker sends it at once). */
    public Call enqueue(String dedupKey, String subject, String team, int tier, Event event, String payload,
                        Instant dueAt) {
        return enqueue(dedupKey, subject, team, tier, event, payload, dueAt, false);
    }

    /**
     * Writes a call, due at {@code dueAt}; {@code countedAlone} marks a page that was all that
     * reached its tier.
     */
    public Call enqueue(String dedupKey, String subject, String team, int tier, Event event, String payload,
                        Instant dueAt, boolean countedAlone) {
        long now = clock.millis();
        Instant claimedUntil = dueAt;
        long id = db.write(h -> h.createUpdate("""
                        INSERT INTO pager_webhook (dedup_key, subject, team, tier, event, payload, state, attempts,
                                                   next_attempt_at, created_at, updated_at, counted_alone)
                        VALUES (:dedupKey, :subject, :team, :tier, :event, :payload, 'PENDING', 0, :next, :now, :now,
                                :alone)""")
                .bind("alone", countedAlone ? 1 : 0)
                .bind("dedupKey", dedupKey)
                .bind("subject", subject)
                .bind("team", team)
                .bind("tier", tier)
                .bind("event", event.name())
                .bind("payload", payload)
                .bind("next", claimedUntil.toEpochMilli())
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return new Call(id, dedupKey, subject, team, tier, event, payload, State.PENDING, 0, claimedUntil, Optional.empty(),
                countedAlone);
    }

    /** Claims up to {@code limit} pending calls due at {@code now} for {@code claimFor}. */
    public List<Call> claimDue(Instant now, Duration claimFor, int limit) {
        // Calls about one alert reach its pager in the order they were written: an acknowledge
        // sent before its page (still being retried) would be dropped, and the page would then ring.
        List<Call> due = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM pager_webhook p "
                        + "WHERE state = 'PENDING' AND next_attempt_at <= :now AND NOT EXISTS (SELECT 1 FROM pager_webhook e "
                        + "WHERE e.state = 'PENDING' AND e.dedup_key = p.dedup_key AND e.team = p.team AND e.tier = p.tier "
                        + "AND e.id < p.id) ORDER BY next_attempt_at, id LIMIT :limit")
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
                claimed.add(c.claimedUntil(Instant.ofEpochMilli(until)));
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

    /**
     * Whether the last call to a tier's pager that has an answer went wrong (refused, given up,
     * or waiting for a retry): such a pager is not counted on to page anyone now.
     */
    public boolean failing(String team, int tier) {
        return db.read(h -> h.createQuery("""
                        SELECT state, last_error FROM pager_webhook
                        WHERE team = :team AND tier = :tier AND attempts > 0
                        ORDER BY updated_at DESC, id DESC LIMIT 1""")
                .bind("team", team)
                .bind("tier", tier)
                .map((rs, ctx) -> !rs.getString("state").equals("DELIVERED"))
                .findOne()
                .orElse(false));
    }

    /** A subject's calls, oldest first. */
    public List<Call> forSubject(String subject) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM pager_webhook WHERE subject = :subject ORDER BY id")
                .bind("subject", subject).map(CALL).list());
    }
}
