package org.opsbot.commands.runbook;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ProgressListener;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.store.CheckRunStore;
import org.opsbot.commands.store.Database;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a runbook's checks the way every entry point does it ({@code /ops check}, a schedule,
 * {@code opsbot check}): in parallel, then stored and written to the audit log.
 */
public final class RunbookChecks {
    private final CheckRunner runner;
    private final CheckRunStore runs;
    private final AuditLog audit;

    /** Stores its runs in {@code db} and audits them there. */
    public RunbookChecks(CheckRunner runner, Database db, Clock clock) {
        this(runner, new CheckRunStore(db), new AuditLog(db, clock));
    }

    public RunbookChecks(CheckRunner runner, CheckRunStore runs, AuditLog audit) {
        this.runner = runner;
        this.runs = runs;
        this.audit = audit;
    }

    /** A run as stored: its id (for "show run #id") and its report. */
    public record RecordedRun(long id, RunReport report) {
    }

    /**
     * Runs, stores and audits. Blocks until the report is complete (at most about the
     * deadline); call it from a worker, never from a Slack request thread.
     *
     * @param actor a Slack user id, {@code schedule:<cron>} ({@link Schedule#actor()}) or {@code cli}
     */
    public RecordedRun run(Runbook runbook, String actor, Duration deadline, ProgressListener listener) {
        RunReport report = runner.run(runbook.name(), runbook.title(), runbook.checks(), actor, deadline, listener);
        long id = runs.record(report);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("run", id);
        details.put("status", report.status().name());
        details.put("summary", report.summary());
        details.put("durationMs", report.duration().toMillis());
        audit.append(actor, "check.run", runbook.name(), details);
        return new RecordedRun(id, report);
    }

    public RecordedRun run(Runbook runbook, String actor, ProgressListener listener) {
        return run(runbook, actor, CheckRunner.DEFAULT_DEADLINE, listener);
    }
}
