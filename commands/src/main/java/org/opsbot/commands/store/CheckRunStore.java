package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Runs of runbook checks and their results, as reported (texts already masked). */
public final class CheckRunStore {
    private static final RowMapper<StoredRun> RUN = (rs, ctx) -> new StoredRun(
            rs.getLong("id"),
            rs.getString("runbook"),
            rs.getString("title"),
            rs.getString("actor"),
            Status.valueOf(rs.getString("status")),
            rs.getString("summary"),
            Instant.ofEpochMilli(rs.getLong("started_at")),
            Duration.ofMillis(rs.getLong("duration_ms")));

    private static final RowMapper<CheckResult> RESULT = (rs, ctx) -> new CheckResult(
            rs.getInt("position"),
            rs.getString("name"),
            rs.getString("kind"),
            Status.valueOf(rs.getString("status")),
            Optional.ofNullable(rs.getString("observed")),
            nullableDouble(rs, "value"),
            Optional.ofNullable(rs.getString("threshold")),
            rs.getString("message"),
            Duration.ofMillis(rs.getLong("duration_ms")));

    private final Database db;

    public CheckRunStore(Database db) {
        this.db = db;
    }

    /** A stored run without its results (for lists). */
    public record StoredRun(long id, String runbook, String title, String actor, Status status, String summary,
                            Instant startedAt, Duration duration) {
    }

    /** Stores the run and all its results in one transaction; returns the run's id. */
    public long record(RunReport report) {
        return db.write(h -> {
            long id = h.createUpdate("""
                            INSERT INTO check_run (runbook, title, actor, status, summary, started_at, duration_ms)
                            VALUES (:runbook, :title, :actor, :status, :summary, :startedAt, :durationMs)""")
                    .bind("runbook", report.runbook())
                    .bind("title", report.title())
                    .bind("actor", report.actor())
                    .bind("status", report.status().name())
                    .bind("summary", report.summary())
                    .bind("startedAt", report.startedAt().toEpochMilli())
                    .bind("durationMs", report.duration().toMillis())
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            var batch = h.prepareBatch("""
                    INSERT INTO check_result (run_id, position, name, kind, status, observed, value, threshold, message, duration_ms)
                    VALUES (:runId, :position, :name, :kind, :status, :observed, :value, :threshold, :message, :durationMs)""");
            for (CheckResult r : report.results()) {
                batch.bind("runId", id)
                        .bind("position", r.position())
                        .bind("name", r.name())
                        .bind("kind", r.kind())
                        .bind("status", r.status().name())
                        .bind("observed", r.observed().orElse(null))
                        .bind("value", r.value().filter(v -> !v.isNaN() && !v.isInfinite()).orElse(null))
                        .bind("threshold", r.threshold().orElse(null))
                        .bind("message", r.message())
                        .bind("durationMs", r.duration().toMillis())
                        .add();
            }
            if (!report.results().isEmpty()) {
                batch.execute();
            }
            return id;
        });
    }

    /** The newest runs of {@code runbook}, newest first. */
    public List<StoredRun> latest(String runbook, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT id, runbook, title, actor, status, summary, started_at, duration_ms FROM check_run
                        WHERE runbook = :runbook ORDER BY started_at DESC, id DESC LIMIT :limit""")
                .bind("runbook", runbook)
                .bind("limit", limit)
                .map(RUN)
                .list());
    }

    /** A stored run as a report again. */
    public Optional<RunReport> find(long id) {
        return db.read(h -> h.createQuery("""
                        SELECT id, runbook, title, actor, status, summary, started_at, duration_ms FROM check_run WHERE id = :id""")
                .bind("id", id)
                .map(RUN)
                .findOne()
                .map(run -> new RunReport(run.runbook(), run.title(), run.actor(), run.startedAt(), run.duration(),
                        h.createQuery("""
                                        SELECT position, name, kind, status, observed, value, threshold, message, duration_ms
                                        FROM check_result WHERE run_id = :id ORDER BY position""")
                                .bind("id", id)
                                .map(RESULT)
                                .list())));
    }

    private static Optional<Double> nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
