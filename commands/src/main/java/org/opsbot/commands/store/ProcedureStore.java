package org.opsbot.commands.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.opsbot.commands.model.ProcedureRun;
import org.opsbot.commands.model.ProcedureStep;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Started procedures and their steps. A run changes state only through conditional UPDATEs on
 * the state and step it leaves, so of two clicks or two replicas exactly one moves it.
 */
public final class ProcedureStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    // Every change of a run's state counts itself, in the same UPDATE, so that a change nobody
    // was shown can be found (version > drawn_version) and shown by the next sweep.
    private static final String CHANGED = "version = version + 1, changed_at = :changed";

    private final Database db;

    public ProcedureStore(Database db) {
        this.db = db;
    }

    /** A step as it is written down when the procedure starts. */
    public record NewStep(ProcedureStep.Kind kind, String text) {
    }

    /** Records a run RUNNING on its first step, held by its starter until {@code claimedUntil}. */
    public long insert(String runbook, String name, String title, String startedBy, String channel,
                       Optional<Long> incident, Map<String, String> params, List<NewStep> steps, long now,
                       long claimedUntil) {
        String json;
        try {
            json = JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return db.write(h -> {
            long id = h.createUpdate("""
                            INSERT INTO procedure_run (runbook, name, title, started_by, channel, incident_id, params, state,
                                current_step, claimed_until, started_at, version, drawn_version, changed_at)
                            VALUES (:runbook, :name, :title, :by, :channel, :incident, :params, 'RUNNING', 0, :until, :now, 1, 0, :now)""")
                    .bind("runbook", runbook).bind("name", name).bind("title", title).bind("by", startedBy)
                    .bind("channel", channel).bind("incident", incident.orElse(null)).bind("params", json)
                    .bind("until", claimedUntil).bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            for (int i = 0; i < steps.size(); i++) {
                h.createUpdate("""
                                INSERT INTO procedure_step (run_id, step, kind, text, state)
                                VALUES (:run, :step, :kind, :text, 'PENDING')""")
                        .bind("run", id).bind("step", i).bind("kind", steps.get(i).kind().name())
                        .bind("text", steps.get(i).text()).execute();
            }
            return id;
        });
    }

    public Optional<ProcedureRun> find(long id) {
        return db.read(h -> h.createQuery("SELECT * FROM procedure_run WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> run(rs)).findOne());
    }

    public List<ProcedureStep> steps(long runId) {
        return db.read(h -> h.createQuery("SELECT * FROM procedure_step WHERE run_id = :run ORDER BY step")
                .bind("run", runId).map((rs, ctx) -> step(rs)).list());
    }

    public void setMessage(long id, long messageId) {
        db.write(h -> h.createUpdate("UPDATE procedure_run SET message_id = :m WHERE id = :id")
                .bind("m", messageId).bind("id", id).execute());
    }

    /** Runs still going (RUNNING or WAITING), oldest first. */
    public List<ProcedureRun> active() {
        return db.read(h -> h.createQuery("SELECT * FROM procedure_run WHERE state IN ('RUNNING', 'WAITING') ORDER BY id")
                .map((rs, ctx) -> run(rs)).list());
    }

    /** RUNNING runs whose holder stopped extending its claim: the process working on them is gone. */
    public List<Long> abandoned(long now) {
        return db.read(h -> h.createQuery("""
                        SELECT id FROM procedure_run WHERE state = 'RUNNING' AND (claimed_until IS NULL OR claimed_until <= :now)
                        ORDER BY id""")
                .bind("now", now).mapTo(Long.class).list());
    }

    /** Takes over an abandoned RUNNING run until {@code until}; false when another process has it. */
    public boolean claimAbandoned(long id, long now, long until) {
        return db.write(h -> h.createUpdate("""
                        UPDATE procedure_run SET claimed_until = :until
                        WHERE id = :id AND state = 'RUNNING' AND (claimed_until IS NULL OR claimed_until <= :now)""")
                .bind("id", id).bind("now", now).bind("until", until).execute() == 1);
    }

    /** The process working on these runs is alive: their claims last until {@code until}. */
    public void extend(Collection<Long> ids, long until) {
        if (ids.isEmpty()) {
            return;
        }
        db.write(h -> h.createUpdate("UPDATE procedure_run SET claimed_until = :until WHERE id IN (<ids>) AND state = 'RUNNING'")
                .bind("until", until).bindList("ids", List.copyOf(ids)).execute());
    }

    /** The running step {@code step} has begun (a check step runs its checks). */
    public boolean stepRunning(long id, int step, long now) {
        return db.write(h -> running(h, id, step) && h.createUpdate("""
                        UPDATE procedure_step SET state = 'RUNNING' WHERE run_id = :id AND step = :step""")
                .bind("id", id).bind("step", step).execute() == 1
                && h.createUpdate("UPDATE procedure_run SET " + CHANGED + " WHERE id = :id")
                .bind("id", id).bind("changed", now).execute() == 1);
    }

    /** RUNNING on {@code step} → WAITING (for a click on a manual step, or for the existing action request {@code request}). */
    public boolean waitOn(long id, int step, Optional<Long> request, long now) {
        return db.write(h -> {
            int moved = h.createUpdate("""
                            UPDATE procedure_run SET state = 'WAITING', claimed_until = NULL, %s
                            WHERE id = :id AND state = 'RUNNING' AND current_step = :step""".formatted(CHANGED))
                    .bind("id", id).bind("step", step).bind("changed", now).execute();
            if (moved == 1) {
                h.createUpdate("""
                                UPDATE procedure_step SET state = 'WAITING', action_request_id = :request
                                WHERE run_id = :id AND step = :step""")
                        .bind("id", id).bind("step", step).bind("request", request.orElse(null)).execute();
            }
            return moved == 1;
        });
    }

    /**
     * RUNNING on action step {@code step} → WAITING for a new request, recorded in the same
     * transaction: the request and the procedure waiting for it are written together or not at
     * all, so a process that dies around here leaves either both or neither, never a request no
     * procedure knows of (which a resume would ask for a second time).
     *
     * @return the new request's id; empty, with nothing recorded, when the run had moved on
     */
    public Optional<Long> waitOnNewRequest(long id, int step, ActionStore.NewRequest request) {
        return db.write(h -> {
            int moved = h.createUpdate("""
                            UPDATE procedure_run SET state = 'WAITING', claimed_until = NULL, %s
                            WHERE id = :id AND state = 'RUNNING' AND current_step = :step""".formatted(CHANGED))
                    .bind("id", id).bind("step", step).bind("changed", request.createdAt().toEpochMilli()).execute();
            if (moved != 1) {
                return Optional.<Long>empty();
            }
            long requestId = ActionStore.insert(h, request);
            h.createUpdate("""
                            UPDATE procedure_step SET state = 'WAITING', action_request_id = :request
                            WHERE run_id = :id AND step = :step""")
                    .bind("id", id).bind("step", step).bind("request", requestId).execute();
            return Optional.of(requestId);
        });
    }

    /**
     * Step {@code step} is done: from {@code from} (RUNNING for a check step its holder ran,
     * WAITING for a click or an action that ended) to RUNNING on the next step, held until
     * {@code until} by whoever moved it.
     */
    public boolean stepDone(long id, int step, ProcedureRun.State from, String by, String note, long now, long until) {
        return db.write(h -> {
            int moved = h.createUpdate("""
                            UPDATE procedure_run SET state = 'RUNNING', current_step = :next, claimed_until = :until, %s
                            WHERE id = :id AND state = :from AND current_step = :step""".formatted(CHANGED))
                    .bind("id", id).bind("step", step).bind("next", step + 1).bind("from", from.name()).bind("changed", now)
                    .bind("until", until).execute();
            if (moved == 1) {
                h.createUpdate("""
                                UPDATE procedure_step SET state = 'DONE', done_by = :by, done_at = :now, note = :note
                                WHERE run_id = :id AND step = :step""")
                        .bind("id", id).bind("step", step).bind("by", by).bind("now", now).bind("note", note).execute();
            }
            return moved == 1;
        });
    }

    /** Step {@code step} failed and ends the run FAILED; false when the run had moved on. */
    public boolean stepFailed(long id, int step, ProcedureRun.State from, String note, String outcome, long now) {
        return db.write(h -> {
            int moved = h.createUpdate("""
                            UPDATE procedure_run SET state = 'FAILED', claimed_until = NULL, finished_at = :now, outcome = :outcome, %s
                            WHERE id = :id AND state = :from AND current_step = :step""".formatted(CHANGED))
                    .bind("id", id).bind("changed", now).bind("step", step).bind("from", from.name()).bind("now", now)
                    .bind("outcome", outcome).execute();
            if (moved == 1) {
                h.createUpdate("""
                                UPDATE procedure_step SET state = 'FAILED', done_at = :now, note = :note
                                WHERE run_id = :id AND step = :step""")
                        .bind("id", id).bind("step", step).bind("now", now).bind("note", note).execute();
            }
            return moved == 1;
        });
    }

    /** RUNNING past its last step → SUCCEEDED. */
    public boolean succeed(long id, int steps, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE procedure_run SET state = 'SUCCEEDED', claimed_until = NULL, finished_at = :now, outcome = 'done', %s
                        WHERE id = :id AND state = 'RUNNING' AND current_step = :steps""".formatted(CHANGED))
                .bind("id", id).bind("changed", now).bind("steps", steps).bind("now", now).execute() == 1);
    }

    /** Ends a run that has not ended (and, for {@code from}, not moved on): {@code FAILED} or {@code CANCELLED}. */
    public boolean end(long id, ProcedureRun.State to, String outcome, long now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE procedure_run SET state = :to, claimed_until = NULL, finished_at = :now, outcome = :outcome, %s
                        WHERE id = :id AND state IN ('RUNNING', 'WAITING')""".formatted(CHANGED))
                .bind("id", id).bind("changed", now).bind("to", to.name()).bind("now", now).bind("outcome", outcome).execute() == 1);
    }

    /**
     * The message of run {@code id} was drawn from its state at {@code version}; a later change
     * leaves it to be drawn again ({@link #undrawn}).
     */
    public void drawn(long id, long version) {
        db.write(h -> h.createUpdate("UPDATE procedure_run SET drawn_version = :v WHERE id = :id AND drawn_version < :v")
                .bind("id", id).bind("v", version).execute());
    }

    /**
     * Runs changed at or before {@code changedBefore} whose message was not drawn since: the
     * process that changed them died before it told anyone.
     */
    public List<Long> undrawn(long changedBefore) {
        return db.read(h -> h.createQuery("""
                        SELECT id FROM procedure_run WHERE version > drawn_version AND changed_at <= :before ORDER BY id""")
                .bind("before", changedBefore).mapTo(Long.class).list());
    }

    private static boolean running(Handle h, long id, int step) {
        return h.createQuery("SELECT COUNT(*) FROM procedure_run WHERE id = :id AND state = 'RUNNING' AND current_step = :step")
                .bind("id", id).bind("step", step).mapTo(Integer.class).one() == 1;
    }

    private static ProcedureRun run(ResultSet rs) throws SQLException {
        Map<String, String> params;
        try {
            params = JSON.readValue(rs.getString("params"), new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("procedure_run " + rs.getLong("id") + " has unreadable params", e);
        }
        return new ProcedureRun(rs.getLong("id"), rs.getString("runbook"), rs.getString("name"), rs.getString("title"),
                rs.getString("started_by"), rs.getString("channel"), optionalLong(rs, "incident_id"), params,
                ProcedureRun.State.valueOf(rs.getString("state")), rs.getInt("current_step"), optionalLong(rs, "message_id"),
                Instant.ofEpochMilli(rs.getLong("started_at")), optionalLong(rs, "finished_at").map(Instant::ofEpochMilli),
                Optional.ofNullable(rs.getString("outcome")), rs.getLong("version"));
    }

    private static ProcedureStep step(ResultSet rs) throws SQLException {
        return new ProcedureStep(rs.getLong("run_id"), rs.getInt("step"), ProcedureStep.Kind.valueOf(rs.getString("kind")),
                rs.getString("text"), ProcedureStep.State.valueOf(rs.getString("state")),
                Optional.ofNullable(rs.getString("done_by")), optionalLong(rs, "done_at").map(Instant::ofEpochMilli),
                Optional.ofNullable(rs.getString("note")), optionalLong(rs, "action_request_id"));
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
