-- Overrides can be cancelled (/ops override cancel <id>); the row stays, so history stays answerable.
ALTER TABLE on_call_override ADD COLUMN cancelled_at BIGINT;
ALTER TABLE on_call_override ADD COLUMN cancelled_by TEXT;

-- The secret tokens of calendar feeds (GET /calendar/<token>.ics). Only a SHA-256 of each token
-- is kept: a copy of the database does not give anyone a feed. subject is 'schedule:<name>' or
-- 'user:<Slack id>'.
CREATE TABLE calendar_token (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    subject    TEXT   NOT NULL,
    token_hash TEXT   NOT NULL UNIQUE,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX calendar_token_subject ON calendar_token (subject);
