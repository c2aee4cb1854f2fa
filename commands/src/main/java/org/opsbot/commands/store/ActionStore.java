package org.opsbot.commands.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.opsbot.commands.model.ActionRequest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Action requests and their approvals. Every change of state is a conditional UPDATE on the
 * state it leaves, so of two replicas or two clicks racing for the same change exactly one
 * gets a row back, and only that one acts on it.
 */
public final class ActionStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;

    public ActionStore(Database db) {
        this.db = db;
    }

    /** What a new request is; it starts PENDING. */
    public record NewRequest(String runbook, String action, String title, Map<String, String> params, String plan,
                             String planHash, String requester, String reason, String channel,
                             Optional<String> approverRole, int needed, boolean breakGlass, Instant createdAt,
                             Optional<Instant> expiresAt, String kind) {
        /** A request to run a runbook action. */
        public NewRequest(String runbook, String action, String title, Map<String, String> params, String plan,
                          String planHash, String requester, String reason, String channel,
                          Optional<String> approverRole, int needed, boolean breakGlass, Instant createdAt,
                          Optional<Instant> expiresAt) {
            this(runbook, action, title, params, plan, planHash, requester, reason, channel, approverRole, needed,
                    breakGlass, createdAt, expiresAt, ActionRequest.ACTION);
        }
    }

    public long insert(NewRequest r) {
        return db.write(h -> insert(h, r));
    }

    /**
     * Records {@code r} inside a transaction another store of the engine has open, so that a
     * request and the state of what asked for it are written together or not at all
     * ({@link ProcedureStore#waitOnNewRequest}).
     */
    static long insert(Handle h, NewRequest r) {
        String params;
        try {
            params = JSON.writeValueAsString(r.params());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return h.createUpdate("""
                        INSERT INTO action_request (runbook, action, title, params, plan, plan_hash, requester, reason,
                            channel, approver_role, needed, break_glass, state, created_at, expires_at, decided_by, decision_note, kind)
                        VALUES (:runbook, :action, :title, :params, :plan, :hash, :requester, :reason, :channel, :role,
                            :needed, :breakGlass, 'PENDING', :created, :expires, :decidedBy, :note, :kind)""")
                .bind("runbook", r.runbook())
                .bind("action", r.action())
                .bind("title", r.title())
                .bind("params", params)
                .bind("plan", r.plan())
                .bind("hash", r.planHash())
                .bind("requester", r.requester())
                .bind("reason", r.reason())
                .bind("channel", r.channel())
                .bind("role", r.approverRole().orElse(null))
                .bind("needed", r.needed())
                .bind("breakGlass", r.breakGlass() ? 1 : 0)
                .bind("created", r.createdAt().toEpochMilli())
                .bind("expires", r.expiresAt().map(Instant::toEpochMilli).orElse(null))
                .bind("decidedBy", r.breakGlass() ? r.requester() : null)
                .bind("note", r.breakGlass() ? r.reason() : null)
                .bind("kind", r.kind())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    public void setMessage(long id, long messageId) {
        db.write(h -> h.createUpdate("UPDATE action_request SET message_id = :m WHERE id = :id")
                .bind("m", messageId).bind("id", id).execute());
    }

    public Optional<ActionRequest> find(long id) {
        return db.read(h -> find(h, id));
    }

    /**
     * Records {@code approver}'s approval of the plan with {@code planHash}, if the request is
     * still pending and not expired at {@code now}.
     *
     * @return false when nothing was recorded (already approved by them, closed or expired)
     */
    public boolean approve(long id, String approver, String planHash, long now) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO action_approval (request_id, approver, plan_hash, approved_at)
                        SELECT id, :approver, :hash, :now FROM action_request
                        WHERE id = :id AND state = 'PENDING' AND plan_hash = :hash
                          AND (expires_at IS NULL OR expires_at > :now)
                        ON CONFLICT (request_id, approver) DO NOTHING""")
                .bind("id", id).bind("approver", approver).bind("hash", planHash).bind("now", now)
                .execute() == 1);
    }

    /**
     * PENDING → RUNNING when enough distinct approvers approved this very plan and the request
     * has not expired. Exactly one caller gets true, however many race for it.
     */
    public boolean claimRun(long id, long now, long deadline) {
        return db.write(h -> h.createUpdate("""
                        UPDATE action_request SET state = 'RUNNING', started_at = :now, deadline_at = :deadline
                        WHERE id = :id AND state = 'PENDING'
                          AND (expires_at IS NULL OR expires_at > :now)
                          AND (SELECT COUNT(*) FROM action_approval a
                               WHERE a.request_id = action_request.id AND a.plan_hash = action_request.plan_hash) >= needed""")
                .bind("id", id).bind("now", now).bind("deadline", deadline)
                .execute() == 1);
    }

    /**
     * Moves the deadline of runs that are still RUNNING to {@code deadline}: the process carrying
     * them out says it is alive, so other replicas do not take them for abandoned.
     */
    public void extendRuns(Collection<Long> ids, long deadline) {
        if (ids.isEmpty()) {
            return;
        }
        db.write(h -> h.createUpdate("""
                        UPDATE action_request SET deadline_at = :deadline
                        WHERE id IN (<ids>) AND state = 'RUNNING'""")
                .bind("deadline", deadline)
                .bindList("ids", List.copyOf(ids))
                .execute());
    }

    /** PENDING → REJECTED; false when it was no longer pending. */
    public boolean reject(long id, String by, String note, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE action_request SET state = 'REJECTED', decided_by = :by, decision_note = :note,
                            finished_at = :now, outcome = 'rejected'
                        WHERE id = :id AND state = 'PENDING'""")
                .bind("id", id).bind("by", by).bind("note", note).bind("now", now)
                .execute() == 1);
    }

    /**
     * PENDING → REJECTED as {@link ActionRequest#WITHDRAWN}: what asked for it no longer wants it
     * (its procedure was cancelled by {@code by}); false when it was no longer pending.
     */
    public boolean withdraw(long id, String by, String note, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE action_request SET state = 'REJECTED', decided_by = :by, decision_note = :note,
                            finished_at = :now, outcome = :outcome
                        WHERE id = :id AND state = 'PENDING'""")
                .bind("id", id).bind("by", by).bind("note", note).bind("now", now)
                .bind("outcome", ActionRequest.WITHDRAWN)
                .execute() == 1);
    }

    /**
     * A pending request becomes break glass: it needs no approvals any more and records who
     * broke the glass and why. False when it was no longer pending.
     */
    public boolean breakGlass(long id, String by, String reason) {
        return db.write(h -> h.createUpdate("""
                        UPDATE action_request SET break_glass = 1, needed = 0, decided_by = :by, decision_note = :reason
                        WHERE id = :id AND state = 'PENDING'""")
                .bind("id", id).bind("by", by).bind("reason", reason)
                .execute() == 1);
    }

    /** RUNNING → {@code state} (SUCCEEDED or FAILED); false when it was no longer running. */
    public boolean finish(long id, ActionRequest.State state, String outcome, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE action_request SET state = :state, outcome = :outcome, finished_at = :now
                        WHERE id = :id AND state = 'RUNNING'""")
                .bind("id", id).bind("state", state.name()).bind("outcome", outcome).bind("now", now)
                .execute() == 1);
    }

    /** Pending requests past their expiry, moved to EXPIRED; returns those this call moved. */
    public List<ActionRequest> expireDue(long now) {
        return db.write(h -> {
            List<Long> due = h.createQuery("""
                            SELECT id FROM action_request WHERE state = 'PENDING' AND expires_at IS NOT NULL AND expires_at <= :now""")
                    .bind("now", now).mapTo(Long.class).list();
            return due.stream().filter(id -> h.createUpdate("""
                                    UPDATE action_request SET state = 'EXPIRED', finished_at = :now, outcome = 'expired'
                                    WHERE id = :id AND state = 'PENDING'""")
                            .bind("id", id).bind("now", now).execute() == 1)
                    .map(id -> find(h, id).orElseThrow())
                    .toList();
        });
    }

    /**
     * RUNNING → INTERRUPTED for runs that no process is carrying out any more: those past their
     * deadline (the process running them stopped extending it: it died). The same rule on both
     * databases: a process starting on a SQLite file another live process uses must not take
     * that process's runs for a crash's leftovers.
     */
    public List<ActionRequest> interrupt(long now) {
        return db.write(h -> {
            List<Long> stale = h.createQuery("""
                            SELECT id FROM action_request WHERE state = 'RUNNING' AND deadline_at <= :now""")
                    .bind("now", now).mapTo(Long.class).list();
            return stale.stream().filter(id -> h.createUpdate("""
                                    UPDATE action_request SET state = 'INTERRUPTED', finished_at = :now,
                                        outcome = 'interrupted: the bot stopped while it ran; it was not run again'
                                    WHERE id = :id AND state = 'RUNNING'""")
                            .bind("id", id).bind("now", now).execute() == 1)
                    .map(id -> find(h, id).orElseThrow())
                    .toList();
        });
    }

    /** Requests still waiting for a decision, oldest first (at most {@code limit}). */
    public List<ActionRequest> pending(int limit) {
        return db.read(h -> h.createQuery("SELECT id FROM action_request WHERE state = 'PENDING' ORDER BY id LIMIT :limit")
                .bind("limit", limit).mapTo(Long.class).list().stream()
                .map(id -> find(h, id).orElseThrow()).toList());
    }

    private static Optional<ActionRequest> find(Handle h, long id) {
        List<String> approvers = h.createQuery("""
                        SELECT approver FROM action_approval a JOIN action_request r ON r.id = a.request_id
                        WHERE a.request_id = :id AND a.plan_hash = r.plan_hash ORDER BY a.approved_at, a.approver""")
                .bind("id", id).mapTo(String.class).list();
        return h.createQuery("SELECT * FROM action_request WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> map(rs, approvers))
                .findOne();
    }

    private static ActionRequest map(ResultSet rs, List<String> approvers) throws SQLException {
        Map<String, String> params;
        try {
            params = JSON.readValue(rs.getString("params"), new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable params of action request " + rs.getLong("id"), e);
        }
        return new ActionRequest(rs.getLong("id"), rs.getString("runbook"), rs.getString("action"), rs.getString("title"),
                params, rs.getString("plan"), rs.getString("plan_hash"), rs.getString("requester"), rs.getString("reason"),
                rs.getString("channel"), Optional.ofNullable(rs.getString("approver_role")), rs.getInt("needed"),
                rs.getInt("break_glass") != 0, ActionRequest.State.valueOf(rs.getString("state")),
                Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "expires_at"),
                Optional.ofNullable((Long) (rs.getObject("message_id") == null ? null : rs.getLong("message_id"))),
                Optional.ofNullable(rs.getString("decided_by")), Optional.ofNullable(rs.getString("decision_note")),
                instant(rs, "started_at"), instant(rs, "finished_at"), Optional.ofNullable(rs.getString("outcome")),
                approvers, rs.getString("kind"));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }
}
