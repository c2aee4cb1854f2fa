-- The @oncall user groups: usergroups.users.update calls go through the outbox as the USERGROUP
-- kind, one lane per user group, the newest pending membership replacing an older one that was
-- not sent yet (as HOME does for views).
--
-- SQLite cannot change a CHECK constraint, so the outbox is rebuilt as in V16 and V26 (see
-- there; the .conf beside this file runs it outside a transaction).
PRAGMA foreign_keys = OFF;
SAVEPOINT outbox_v28;
CREATE TABLE outbox_v28 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL', 'CHANNEL', 'FILE', 'HOME', 'USERGROUP')),
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
INSERT INTO outbox_v28 (id, kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload, status, attempts,
                        next_attempt_at, expires_at, uncertain, claimed_by, claimed_until, sent_channel, sent_ts,
                        last_error, created_at, done_at, post_key, progress)
SELECT id, kind, lane, channel, thread_ts, parent_id, target_id, user_id, payload, status, attempts,
       next_attempt_at, expires_at, uncertain, claimed_by, claimed_until, sent_channel, sent_ts,
       last_error, created_at, done_at, post_key, progress
FROM outbox;
-- Ids are never reused, even those of rows deleted since (alert groups keep their message's id).
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') WHERE name = 'outbox_v28';
DROP TABLE outbox;
ALTER TABLE outbox_v28 RENAME TO outbox;
CREATE INDEX outbox_pending_lane ON outbox (status, lane, id);
CREATE INDEX outbox_target ON outbox (target_id, status);
CREATE INDEX outbox_sent_message ON outbox (sent_ts, sent_channel);
CREATE UNIQUE INDEX outbox_post_key ON outbox (post_key);
PRAGMA foreign_key_check;
RELEASE outbox_v28;
PRAGMA foreign_keys = ON;
