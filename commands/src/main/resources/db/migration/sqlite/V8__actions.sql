-- Runbook actions: requests, their approvals, and the audit log's hash chain.
-- Times are epoch milliseconds (BIGINT), as in V1.

-- The audit log becomes a hash chain: each entry carries the hash of the one before (prev_hash)
-- and its own (hash, over seq, prev_hash and its fields), so an edit or a deletion shows up in
-- 'opsbot audit verify'. seq is the position in the chain (1, 2, …); rows written before V5 are
-- chained by the first append after it.
ALTER TABLE audit ADD COLUMN seq BIGINT;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit (seq);

-- The chain's head: one row, updated in the same transaction as every append. Updating it first
-- serialises appends on PostgreSQL (its row lock) as the single writer does on SQLite, and it
-- lets verify notice entries cut off the end of the chain.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- One request to run a runbook action. state moves PENDING → RUNNING → SUCCEEDED | FAILED |
-- INTERRUPTED, or PENDING → REJECTED | EXPIRED, and only through conditional UPDATEs, so two
-- approvers clicking at once cannot both start the run.
CREATE TABLE action_request (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    runbook       TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    params        TEXT    NOT NULL,
    plan          TEXT    NOT NULL,
    plan_hash     TEXT    NOT NULL,
    requester     TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    approver_role TEXT,
    needed        INTEGER NOT NULL,
    break_glass   INTEGER NOT NULL DEFAULT 0,
    state         TEXT    NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED',
                                                     'INTERRUPTED', 'REJECTED', 'EXPIRED')),
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT,
    message_id    BIGINT,
    decided_by    TEXT,
    decision_note TEXT,
    started_at    BIGINT,
    deadline_at   BIGINT,
    finished_at   BIGINT,
    outcome       TEXT
);

CREATE INDEX action_request_state ON action_request (state, expires_at);

-- Each approver's approval, bound to the plan hash they were shown. The primary key makes a
-- second click by the same approver a no-op.
CREATE TABLE action_approval (
    request_id  BIGINT NOT NULL REFERENCES action_request (id),
    approver    TEXT   NOT NULL,
    plan_hash   TEXT   NOT NULL,
    approved_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, approver)
);
