-- Calls to tiers' pager webhooks, written before they are sent: the first attempt is made at
-- once by the escalation step, retries by the webhook worker (one sender, under a lease).
-- Headers are not stored (they hold secrets from the environment); the worker takes them from
-- the tier's configuration by team and tier number.
CREATE TABLE pager_webhook (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    team            TEXT    NOT NULL,
    tier            INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE INDEX pager_webhook_due ON pager_webhook (state, next_attempt_at);
