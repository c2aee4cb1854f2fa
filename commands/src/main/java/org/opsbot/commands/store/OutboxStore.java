package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.OutboxEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Slack outbox table. Callers enqueue inside the same write as the state change the message
 * reports, the worker claims what is due and records how each call ended.
 */
public final class OutboxStore {
    private static final String COLUMNS = """
            id, kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload, status,
            attempts, next_attempt_at, expires_at, uncertain, sent_channel, sent_ts, last_error, created_at, progress""";

    private static final RowMapper<OutboxEntry> MAPPER = (rs, ctx) -> new OutboxEntry(
            rs.getLong("id"),
            OutboxEntry.Kind.valueOf(rs.getString("kind")),
            rs.getString("lane"),
            rs.getString("channel"),
            rs.getString("thread_ts"),
            nullableLong(rs, "parent_id"),
            nullableLong(rs, "target_id"),
            rs.getString("user_id"),
            rs.getString("payload"),
            OutboxEntry.Status.valueOf(rs.getString("status")),
            rs.getInt("attempts"),
            rs.getLong("next_attempt_at"),
            nullableLong(rs, "expires_at"),
            rs.getInt("uncertain") != 0,
            rs.getString("sent_channel"),
            rs.getString("sent_ts"),
            rs.getString("last_error"),
            rs.getLong("created_at"),
            rs.getString("progress"));

    // The head of each lane that is due and not being worked on. A call waits for every earlier
    // call of its lane (order per channel and per message), and an update waits for its message
    // to have been posted.
    private static final String DUE_HEADS = """
            SELECT o.id FROM outbox o
            WHERE o.status = 'PENDING'
              AND o.next_attempt_at <= :now
              AND (o.claimed_until IS NULL OR o.claimed_until < :now)
              AND NOT EXISTS (SELECT 1 FROM outbox p
                              WHERE p.lane = o.lane AND p.status = 'PENDING' AND p.id < o.id)
              AND (o.target_id IS NULL OR EXISTS (SELECT 1 FROM outbox t
                                                  WHERE t.id = o.target_id AND t.status <> 'PENDING'))
              AND (o.parent_id IS NULL OR EXISTS (SELECT 1 FROM outbox t
                                                  WHERE t.id = o.parent_id AND t.status <> 'PENDING'))
            ORDER BY o.id
            LIMIT :limit""";

    // The lane of the replies in threads under a lane's posts.
    private static final String THREADS = "threads:";

    private final Database db;
    private final Clock clock;

    public OutboxStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A new message in {@code channel}, optionally in the thread {@code threadTs}. */
    public long enqueuePost(String channel, String threadTs, String payload) {
        return enqueuePost(channel, threadTs, payload, null);
    }

    /** As {@link #enqueuePost(String, String, String)}, on behalf of {@code requestedBy}, who is told if it cannot be posted. */
    public long enqueuePost(String channel, String threadTs, String payload, String requestedBy) {
        return db.write(h -> insert(h, OutboxEntry.Kind.POST, channel, channel, threadTs, null, null, requestedBy, payload, null));
    }

    /**
     * A new message in {@code channel}, once per {@code key}: when a post with this key exists
     * already (sent or not), nothing is written and its id is returned instead.
     */
    public long enqueuePostOnce(String key, String channel, String payload) {
        return enqueueOnce(OutboxEntry.Kind.POST, key, channel, payload);
    }

    private long enqueueOnce(OutboxEntry.Kind kind, String key, String channel, String payload) {
        long now = clock.millis();
        return db.write(h -> {
            // ON CONFLICT: of two writers racing with one key, the second waits for the first
            // (PostgreSQL) and then finds its row.
            h.createUpdate("""
                            INSERT INTO outbox (kind, lane, channel, payload, status, attempts, next_attempt_at, uncertain,
                                                created_at, post_key)
                            VALUES (:kind, :channel, :channel, :payload, 'PENDING', 0, :now, 0, :now, :key)
                            ON CONFLICT (post_key) DO NOTHING""")
                    .bind("kind", kind.name())
                    .bind("channel", channel)
                    .bind("payload", payload)
                    .bind("now", now)
                    .bind("key", key)
                    .execute();
            return h.createQuery("SELECT id FROM outbox WHERE post_key = :key")
                    .bind("key", key)
                    .mapTo(Long.class)
                    .one();
        });
    }

    /** Whether a post with {@code key} was ever enqueued (sent or not): once-only work asks before doing it. */
    public boolean hasPostKey(String key) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM outbox WHERE post_key = :key")
                .bind("key", key).mapTo(Integer.class).one() > 0);
    }

    /**
     * A channel named {@code name} is created (or, if one exists, used). Its own lane: channel
     * creation is slow and must not hold up messages. {@code requestedBy} is told if it fails.
     */
    public long enqueueChannel(String name, String payload, String requestedBy) {
        return db.write(h -> insert(h, OutboxEntry.Kind.CHANNEL, "channel:" + name, "#" + name, null, null, null,
                requestedBy, payload, null));
    }

    /**
     * A file shared in {@code channel}; in the channel's lane, so what is posted after it comes
     * after it. {@code requestedBy} is told if it fails.
     */
    public long enqueueFile(String channel, String payload, String requestedBy) {
        return db.write(h -> insert(h, OutboxEntry.Kind.FILE, channel, channel, null, null, null, requestedBy, payload, null));
    }

    /** Like {@link #enqueueFile}, once per {@code key} (as {@link #enqueuePostOnce}): the second call returns the first's id. */
    public long enqueueFileOnce(String key, String channel, String payload) {
        return enqueueOnce(OutboxEntry.Kind.FILE, key, channel, payload);
    }

    /**
     * A reply in the thread of an earlier outbox message, which may not be sent yet. After a
     * created channel it is a first message in that channel; after a file, a message below it.
     * Replies in threads have a lane of their own per channel: in order among themselves (so
     * each thread's are), after their parents, but not behind every later top-level post in
     * the channel, which the sender posts first.
     */
    public long enqueueReply(long parentId, String payload) {
        return db.write(h -> {
            OutboxEntry parent = findIn(h, parentId)
                    .orElseThrow(() -> new StoreException("no outbox message " + parentId + " to reply to"));
            if (parent.kind() == OutboxEntry.Kind.UPDATE || parent.kind() == OutboxEntry.Kind.EPHEMERAL) {
                throw new StoreException("outbox message " + parentId + " is not a post");
            }
            if (parent.kind() == OutboxEntry.Kind.CHANNEL) {
                // Its own lane: the channel does not exist yet, it is posted to once it does.
                return insert(h, OutboxEntry.Kind.POST, "after:" + parentId, parent.channel(), null, parentId, null, null,
                        payload, null);
            }
            if (parent.kind() == OutboxEntry.Kind.FILE) {
                // Below the file in the channel, not in a thread: in the file's lane.
                return insert(h, OutboxEntry.Kind.POST, parent.lane(), parent.channel(), null, parentId, null, null, payload, null);
            }
            String lane = parent.lane().startsWith(THREADS) ? parent.lane() : THREADS + parent.lane();
            return insert(h, OutboxEntry.Kind.POST, lane, parent.channel(), null, parentId, null, null, payload, null);
        });
    }

    /**
     * The new state of an earlier outbox message. If that message has not been sent yet, its
     * payload is replaced instead and no separate call is made; otherwise the worker sends
     * only the newest of the pending updates of one message.
     */
    public long enqueueUpdate(long targetId, String payload) {
        return db.write(h -> {
            OutboxEntry target = findIn(h, targetId)
                    .orElseThrow(() -> new StoreException("no outbox message " + targetId + " to update"));
            if (target.kind() != OutboxEntry.Kind.POST) {
                throw new StoreException("outbox message " + targetId + " is not a post");
            }
            long now = clock.millis();
            int folded = h.createUpdate("""
                            UPDATE outbox SET payload = :payload
                            WHERE id = :id AND status = 'PENDING' AND attempts = 0 AND uncertain = 0
                              AND (claimed_until IS NULL OR claimed_until < :now)""")
                    .bind("payload", payload)
                    .bind("id", targetId)
                    .bind("now", now)
                    .execute();
            long id = insert(h, OutboxEntry.Kind.UPDATE, "update:" + targetId, target.channel(), null, null, targetId, null, payload, null);
            if (folded == 1) {
                h.createUpdate("UPDATE outbox SET status = 'SUPERSEDED', done_at = :now, last_error = 'folded into the unsent message' WHERE id = :id")
                        .bind("now", now)
                        .bind("id", id)
                        .execute();
            }
            return id;
        });
    }

    /** A message only {@code user} sees; it expires unsent at {@code expiresAt}. */
    public long enqueueEphemeral(String channel, String user, String threadTs, String payload, Instant expiresAt) {
        return db.write(h -> insert(h, OutboxEntry.Kind.EPHEMERAL, channel, channel, threadTs, null, null, user, payload,
                expiresAt.toEpochMilli()));
    }

    /**
     * {@code user}'s App Home view ({@code views.publish}). One lane per user; a view not sent
     * yet (nor being sent) is replaced by the newer one instead of queueing behind it, so only
     * the newest is ever sent.
     */
    public long enqueueHome(String user, String view) {
        return replaceWaiting(OutboxEntry.Kind.HOME, "home:" + user, user, user, view);
    }

    /**
     * Sets the members of the user group {@code handle} ({@code usergroups.users.update}) to
     * {@code members}, comma-separated. One lane per group; a membership not sent yet (nor being
     * sent) is replaced by the newer one, since only the newest matters.
     */
    public long enqueueUsergroup(String handle, String members) {
        return replaceWaiting(OutboxEntry.Kind.USERGROUP, USERGROUP_LANE + handle, handle, null, members);
    }

    /**
     * Queues {@code payload} in {@code lane}, or puts it in place of the lane's newest call that
     * is still waiting (never tried, not being sent): for a lane where only the newest matters.
     */
    private long replaceWaiting(OutboxEntry.Kind kind, String lane, String channel, String userId, String payload) {
        return db.write(h -> {
            long now = clock.millis();
            Optional<Long> waiting = h.createQuery("""
                            SELECT id FROM outbox WHERE lane = :lane AND status = 'PENDING' AND attempts = 0
                              AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY id DESC LIMIT 1""")
                    .bind("lane", lane).bind("now", now).mapTo(Long.class).findOne();
            if (waiting.isPresent() && h.createUpdate("""
                            UPDATE outbox SET payload = :payload
                            WHERE id = :id AND status = 'PENDING' AND attempts = 0
                              AND (claimed_until IS NULL OR claimed_until < :now)""")
                    .bind("payload", payload).bind("id", waiting.get()).bind("now", now).execute() == 1) {
                return waiting.get();
            }
            return insert(h, kind, lane, channel, null, null, null, userId, payload, null);
        });
    }

    /**
     * The membership last asked of user group {@code handle}, sent or not (a call Slack refused
     * for good counts too, so a refusal is not asked again every round): empty when none was.
     */
    public Optional<String> lastUsergroup(String handle) {
        return db.read(h -> h.createQuery("""
                        SELECT payload FROM outbox WHERE lane = :lane AND kind = 'USERGROUP'
                          AND status IN ('PENDING', 'SENT', 'FAILED') ORDER BY id DESC LIMIT 1""")
                .bind("lane", USERGROUP_LANE + handle)
                .mapTo(String.class)
                .findOne());
    }

    private static final String USERGROUP_LANE = "usergroup:";

    private long insert(Handle h, OutboxEntry.Kind kind, String lane, String channel, String threadTs, Long parentId,
                        Long targetId, String userId, String payload, Long expiresAt) {
        long now = clock.millis();
        return h.createUpdate("""
                        INSERT INTO outbox (kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload,
                                            status, attempts, next_attempt_at, expires_at, uncertain, created_at)
                        VALUES (:kind, :lane, :channel, :threadTs, :parentId, :targetId, :userId, :payload,
                                'PENDING', 0, :now, :expiresAt, 0, :now)""")
                .bind("kind", kind.name())
                .bind("lane", lane)
                .bind("channel", channel)
                .bind("threadTs", threadTs)
                .bind("parentId", parentId)
                .bind("targetId", targetId)
                .bind("userId", userId)
                .bind("payload", payload)
                .bind("now", now)
                .bind("expiresAt", expiresAt)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /**
     * Claims up to {@code limit} due calls for {@code worker} for {@code claimFor}. A claim that
     * runs out (the worker died) makes the call due again; the call is then uncertain if it was
     * a post attempt, so it is looked for before it is posted again.
     */
    public List<OutboxEntry> claimDue(String worker, Duration claimFor, int limit) {
        long now = clock.millis();
        // The worker polls twice a second; a read answers the idle case without taking the
        // write lock (SQLite) or locking rows (PostgreSQL).
        boolean anyDue = db.read(h -> h.createQuery("""
                        SELECT 1 FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= :now
                          AND (claimed_until IS NULL OR claimed_until < :now) LIMIT 1""")
                .bind("now", now)
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
        if (!anyDue) {
            return List.of();
        }
        String select = db.dialect() == Dialect.POSTGRESQL
                ? DUE_HEADS + " FOR UPDATE OF o SKIP LOCKED"
                : DUE_HEADS;
        return db.write(h -> {
            List<Long> ids = h.createQuery(select)
                    .bind("now", now)
                    .bind("limit", limit)
                    .mapTo(Long.class)
                    .list();
            if (ids.isEmpty()) {
                return List.of();
            }
            h.createUpdate("UPDATE outbox SET claimed_by = :worker, claimed_until = :until WHERE id IN (<ids>)")
                    .bind("worker", worker)
                    .bind("until", now + claimFor.toMillis())
                    .bindList("ids", ids)
                    .execute();
            return h.createQuery("SELECT " + COLUMNS + " FROM outbox WHERE id IN (<ids>) ORDER BY id")
                    .bindList("ids", ids)
                    .map(MAPPER)
                    .list();
        });
    }

    /**
     * Frees the calls other workers claimed. Only the holder of the outbox lease claims, so a
     * claim by another worker was made by a holder that lost the lease (it died, or stalled
     * past the lease): the new holder must not wait for those claims to run out. A post that
     * was already attempted stays {@code uncertain} and is looked for before it is posted again.
     *
     * @return how many calls were freed
     */
    public int releaseClaimsOfOthers(String worker) {
        return db.write(h -> h.createUpdate("""
                        UPDATE outbox SET claimed_by = NULL, claimed_until = NULL
                        WHERE status = 'PENDING' AND claimed_by IS NOT NULL AND claimed_by <> :worker""")
                .bind("worker", worker)
                .execute());
    }

    public Optional<OutboxEntry> find(long id) {
        return db.read(h -> findIn(h, id));
    }

    private static Optional<OutboxEntry> findIn(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM outbox WHERE id = :id")
                .bind("id", id)
                .map(MAPPER)
                .findOne();
    }

    /**
     * The post Slack knows as {@code ts} in {@code channel}: a button click or checkbox tick
     * names its message this way, and updating it needs the outbox id.
     */
    public Optional<Long> sentPost(String channel, String ts) {
        return db.read(h -> h.createQuery("""
                        SELECT id FROM outbox WHERE sent_ts = :ts AND sent_channel = :channel AND kind = 'POST'
                        ORDER BY id DESC LIMIT 1""")
                .bind("ts", ts)
                .bind("channel", channel)
                .mapTo(Long.class)
                .findOne());
    }

    /** The newest pending update of a message: the only one worth sending. */
    public Optional<OutboxEntry> newestPendingUpdate(long targetId) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM outbox WHERE target_id = :target AND status = 'PENDING' ORDER BY id DESC LIMIT 1")
                .bind("target", targetId)
                .map(MAPPER)
                .findOne());
    }

    /**
     * Records that a post attempt is about to leave, before it leaves: if the process dies
     * before the answer is recorded, the next attempt knows to look for the message first.
     */
    public boolean markAttempt(long id, String worker, boolean uncertain) {
        return db.write(h -> h.createUpdate("""
                        UPDATE outbox SET attempts = attempts + 1, uncertain = :uncertain
                        WHERE id = :id AND claimed_by = :worker AND status = 'PENDING'""")
                .bind("id", id)
                .bind("worker", worker)
                .bind("uncertain", uncertain ? 1 : 0)
                .execute() == 1);
    }

    /**
     * A call made in steps got this far, and its next step is about to leave: a retry goes on
     * from here, and first looks whether that step had taken effect (uncertain).
     */
    public void recordProgress(long id, String worker, String progress) {
        db.write(h -> h.createUpdate("""
                        UPDATE outbox SET progress = :progress, uncertain = 1
                        WHERE id = :id AND claimed_by = :worker AND status = 'PENDING'""")
                .bind("id", id)
                .bind("worker", worker)
                .bind("progress", progress)
                .execute());
    }

    /** Slack accepted the call; {@code channel}/{@code ts} identify the message from now on. */
    public boolean markSent(long id, String worker, String channel, String ts) {
        return db.write(h -> h.createUpdate("""
                        UPDATE outbox SET status = 'SENT', sent_channel = :channel, sent_ts = :ts, uncertain = 0,
                                          claimed_by = NULL, claimed_until = NULL, done_at = :now, last_error = NULL
                        WHERE id = :id AND claimed_by = :worker AND status = 'PENDING'""")
                .bind("id", id)
                .bind("worker", worker)
                .bind("channel", channel)
                .bind("ts", ts)
                .bind("now", clock.millis())
                .execute() == 1);
    }

    /**
     * An update of {@code targetId} was sent with the payload of {@code sentId}: that one is
     * sent, the older pending updates of the same message are superseded by it.
     */
    public void markUpdatesSent(long targetId, long sentId, String worker) {
        long now = clock.millis();
        db.write(h -> {
            h.createUpdate("""
                            UPDATE outbox SET status = 'SUPERSEDED', claimed_by = NULL, claimed_until = NULL, done_at = :now
                            WHERE target_id = :target AND status = 'PENDING' AND id < :sent""")
                    .bind("target", targetId)
                    .bind("sent", sentId)
                    .bind("now", now)
                    .execute();
            return h.createUpdate("""
                            UPDATE outbox SET status = 'SENT', claimed_by = NULL, claimed_until = NULL, done_at = :now,
                                              last_error = NULL
                            WHERE id = :sent AND status = 'PENDING'""")
                    .bind("sent", sentId)
                    .bind("now", now)
                    .execute();
        });
    }

    /**
     * Try again at {@code at}; the claim is released so the call is due again then.
     * {@code uncertain} records whether the failed attempt may nonetheless have reached Slack.
     */
    public void retryLater(long id, String worker, Instant at, String error, boolean uncertain) {
        db.write(h -> h.createUpdate("""
                        UPDATE outbox SET next_attempt_at = :at, last_error = :error, uncertain = :uncertain,
                                          claimed_by = NULL, claimed_until = NULL
                        WHERE id = :id AND claimed_by = :worker AND status = 'PENDING'""")
                .bind("id", id)
                .bind("worker", worker)
                .bind("at", at.toEpochMilli())
                .bind("error", truncate(error))
                .bind("uncertain", uncertain ? 1 : 0)
                .execute());
    }

    /** The call can never succeed (e.g. the channel does not exist); it is kept for inspection. */
    public void markFailed(long id, String worker, String error) {
        finish(id, worker, OutboxEntry.Status.FAILED, error);
    }

    /** An ephemeral message that could not be delivered in time. */
    public void markExpired(long id, String worker) {
        finish(id, worker, OutboxEntry.Status.EXPIRED, "expired before it could be delivered");
    }

    private void finish(long id, String worker, OutboxEntry.Status status, String error) {
        db.write(h -> h.createUpdate("""
                        UPDATE outbox SET status = :status, last_error = :error, claimed_by = NULL, claimed_until = NULL,
                                          done_at = :now
                        WHERE id = :id AND claimed_by = :worker AND status = 'PENDING'""")
                .bind("id", id)
                .bind("worker", worker)
                .bind("status", status.name())
                .bind("error", truncate(error))
                .bind("now", clock.millis())
                .execute());
    }

    /** How many calls wait, and since when the oldest waits (for /metrics and readiness). */
    public Depth depth() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'PENDING'")
                .map((rs, ctx) -> new Depth(rs.getLong("n"), nullableLong(rs, "oldest")))
                .one());
    }

    /** The outbox's backlog. */
    public record Depth(long pending, Long oldestCreatedAt) {
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000) + "…";
    }

    private static Long nullableLong(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
