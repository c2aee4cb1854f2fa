-- Times are epoch milliseconds (BIGINT) in both dialects, so queries compare them the same way.

-- Facts the installation keeps about itself: its id (carried in Slack message metadata), the
-- Slack workspace it belongs to.
CREATE TABLE setting (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Events API deliveries already handled; Slack retries with the same event_id.
CREATE TABLE slack_event (
    event_id    TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);

-- One row per named piece of work only one replica may do at a time.
CREATE TABLE lease (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Every Slack Web API call the bot makes, written before it is sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL')),
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
    done_at         BIGINT
);

CREATE INDEX outbox_pending_lane ON outbox (status, lane, id);
CREATE INDEX outbox_target ON outbox (target_id, status);
