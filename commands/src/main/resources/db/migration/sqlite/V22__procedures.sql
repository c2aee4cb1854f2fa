-- Runbook procedures (/ops procedure <runbook>/<name>): one row per started procedure and one per
-- step, so a restart loses nothing. Times are epoch milliseconds (BIGINT), as in V1.
--
-- state moves RUNNING (a process works on current_step and holds it until claimed_until, which it
-- keeps extending) ⇄ WAITING (for a click on a manual step, or for the action request of an
-- action step), and ends SUCCEEDED, FAILED (a CRIT or ERROR, a failed or rejected action) or
-- CANCELLED; only through conditional UPDATEs, so two clicks or two replicas cannot both move it.
CREATE TABLE procedure_run (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    runbook       TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    started_by    TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    incident_id   BIGINT,
    params        TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    current_step  INTEGER NOT NULL,
    message_id    BIGINT,
    claimed_until BIGINT,
    started_at    BIGINT  NOT NULL,
    finished_at   BIGINT,
    outcome       TEXT
);

CREATE INDEX procedure_run_state ON procedure_run (state, claimed_until);

-- Each step as it went: who ticked a manual step and when, what a check step found, which action
-- request an action step made.
CREATE TABLE procedure_step (
    run_id            BIGINT  NOT NULL REFERENCES procedure_run (id),
    step              INTEGER NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('MANUAL', 'CHECK', 'ACTION')),
    text              TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'WAITING', 'DONE', 'FAILED')),
    done_by           TEXT,
    done_at           BIGINT,
    note              TEXT,
    action_request_id BIGINT,
    PRIMARY KEY (run_id, step)
);
