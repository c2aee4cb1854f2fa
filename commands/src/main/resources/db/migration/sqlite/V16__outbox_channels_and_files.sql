-- The outbox also creates channels (an incident's own) and uploads files (a postmortem), so a
-- long Slack outage delays them like any message instead of losing them. A file is uploaded in
-- steps; progress keeps the Slack file id once its bytes are up, so a retry completes that file
-- instead of uploading (and sharing) another.
--
-- SQLite cannot change a CHECK constraint, so the table is rebuilt the way SQLite's manual says
-- (ALTER TABLE, "other kinds of table schema changes"): foreign keys off outside a transaction
-- (hence the .conf beside this file), the copy in one transaction (a savepoint: Flyway reads
-- BEGIN as the start of a trigger body), checked before it ends.
PRAGMA foreign_keys = OFF;
SAVEPOINT outbox_v13;
CREATE TABLE outbox_v13 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL', 'CHANNEL', 'FILE')),
    lane            TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    thread_ts       TEXT,
    parent_id       BIGINT REFERENCES outbox (id),
    target_id       BIGINT REFERENCES outbox (id),
    user_id         TEXT,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'EXPIRED', 'SUPERSEDED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    expires_at      BIGINT,
    uncertain       INTEGER NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    sent_channel    TEXT,
    sent_ts         TEXT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    done_at         BIGINT,
    post_key        TEXT,
    progress        TEXT
);
INSERT INTO outbox_v13 (id, kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload, status, attempts,
                        next_attempt_at, expires_at, uncertain, claimed_by, claimed_until, sent_channel, sent_ts,
                        last_error, created_at, done_at, post_key)
SELECT id, kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload, status, attempts,
       next_attempt_at, expires_at, uncertain, claimed_by, claimed_until, sent_channel, sent_ts,
       last_error, created_at, done_at, post_key
FROM outbox;
-- Ids are never reused, even those of rows deleted since (alert groups keep their message's id).
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') WHERE name = 'outbox_v13';
DROP TABLE outbox;
ALTER TABLE outbox_v13 RENAME TO outbox;
CREATE INDEX outbox_pending_lane ON outbox (status, lane, id);
CREATE INDEX outbox_target ON outbox (target_id, status);
CREATE INDEX outbox_sent_message ON outbox (sent_ts, sent_channel);
CREATE UNIQUE INDEX outbox_post_key ON outbox (post_key);
PRAGMA foreign_key_check;
RELEASE outbox_v13;
PRAGMA foreign_keys = ON;
