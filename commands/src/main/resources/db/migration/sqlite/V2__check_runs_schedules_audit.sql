-- Runbook check runs, scheduled-run bookkeeping, checklist ticks and the audit log.
-- Times are epoch milliseconds (BIGINT), as in V1.

-- One row per run of a runbook's checks. actor: a Slack user id, schedule:<cron> or cli.
CREATE TABLE check_run (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    runbook     TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    actor       TEXT   NOT NULL,
    status      TEXT   NOT NULL CHECK (status IN ('OK', 'WARN', 'ERROR', 'CRIT')),
    summary     TEXT   NOT NULL,
    started_at  BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL
);

CREATE INDEX check_run_runbook ON check_run (runbook, started_at);

-- The results of a run, in runbook order. Texts are masked for secrets before they get here.
CREATE TABLE check_result (
    run_id      BIGINT  NOT NULL REFERENCES check_run (id),
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('OK', 'WARN', 'ERROR', 'CRIT')),
    observed    TEXT,
    value       DOUBLE PRECISION,
    threshold   TEXT,
    message     TEXT    NOT NULL,
    duration_ms BIGINT  NOT NULL,
    PRIMARY KEY (run_id, position)
);

-- The scheduled time each runbook schedule last fired for; moved forward only, so two
-- replicas cannot both start the same scheduled run.
CREATE TABLE schedule_fire (
    runbook   TEXT   NOT NULL,
    schedule  TEXT   NOT NULL,
    fired_for BIGINT NOT NULL,
    PRIMARY KEY (runbook, schedule)
);

-- Who ticked which manual checklist item of a runbook, and when.
CREATE TABLE checklist_tick (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    runbook    TEXT    NOT NULL,
    item       INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    ticked_by  TEXT    NOT NULL,
    ticked_at  BIGINT  NOT NULL
);

CREATE INDEX checklist_tick_runbook ON checklist_tick (runbook, ticked_at);

-- Append-only record of who did what. The application has no UPDATE or DELETE for it.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      BIGINT NOT NULL,
    actor   TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    subject TEXT   NOT NULL,
    details TEXT   NOT NULL
);

CREATE INDEX audit_at ON audit (at);
