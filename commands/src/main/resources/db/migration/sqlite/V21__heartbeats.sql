-- Heartbeats (dead-man's switches, opsbot.yaml's heartbeats:). One row per heartbeat name.
-- first_seen_at: when opsbot first knew the heartbeat; a heartbeat that never checked in is
--   overdue counted from then, so a new one is not reported missed at once.
-- last_beat_at: the last check-in (POST /heartbeats/<name>), NULL before the first.
-- alerting: what opsbot last told its alert intake (1 = a missed-heartbeat alert is firing),
--   so the overdue job and a check-in each send a change once, and a replica killed between
--   the two steps leaves a difference the next round sends again (the intake ignores repeats).
-- All times are epoch milliseconds.
CREATE TABLE heartbeat (
    name TEXT PRIMARY KEY,
    first_seen_at BIGINT NOT NULL,
    last_beat_at BIGINT,
    alerting INTEGER NOT NULL DEFAULT 0
);

-- Alerts opsbot raises for a scheduled action that failed, one row per action schedule
-- (raised_by: scheduled-action:<runbook>/<action>:<schedule>). alerting = 1 while the intake was
-- last told it fires, so the next success resolves it, and a success with nothing to resolve
-- opens nothing.
CREATE TABLE raised_alert (
    raised_by TEXT PRIMARY KEY,
    alerting INTEGER NOT NULL DEFAULT 0
);

-- Alert groups of the opsbot source (alerts opsbot raises itself: a missed heartbeat, a failed
-- scheduled action) are stored under OPSBOT, which the source's CHECK must allow.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt as V16 rebuilds the outbox:
-- foreign keys off outside a transaction (hence the .conf beside this file), the copy in one
-- savepoint, checked before it ends. alert_group's columns are all V3's; a later migration that
-- adds one must add it to both lists below too.
PRAGMA foreign_keys = OFF;
SAVEPOINT alert_group_v21;
CREATE TABLE alert_group_v21 (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    group_key          TEXT    NOT NULL UNIQUE,
    source             TEXT    NOT NULL CHECK (source IN ('ALERTMANAGER', 'GRAFANA', 'GENERIC', 'OPSBOT')),
    team               TEXT    NOT NULL,
    channel            TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    severity           TEXT,
    group_labels       TEXT    NOT NULL,
    external_url       TEXT,
    -- alerts the source left out of its last notification (Alertmanager's max_alerts)
    truncated_alerts   INTEGER NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL CHECK (state IN ('FIRING', 'ACKNOWLEDGED', 'RESOLVED')),
    acked_by           TEXT,
    acked_at           BIGINT,
    resolved_by        TEXT,
    resolved_at        BIGINT,
    still_firing_noted INTEGER NOT NULL DEFAULT 0,
    snoozed_by         TEXT,
    snoozed_until      BIGINT,
    silence_id         TEXT,
    silenced_by        TEXT,
    silenced_until     BIGINT,
    message_id         BIGINT REFERENCES outbox (id),
    opened_at          BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    version            BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO alert_group_v21 (id, group_key, source, team, channel, title, severity, group_labels, external_url, truncated_alerts, state, acked_by, acked_at, resolved_by, resolved_at, still_firing_noted, snoozed_by, snoozed_until, silence_id, silenced_by, silenced_until, message_id, opened_at, updated_at, version)
SELECT id, group_key, source, team, channel, title, severity, group_labels, external_url, truncated_alerts, state, acked_by, acked_at, resolved_by, resolved_at, still_firing_noted, snoozed_by, snoozed_until, silence_id, silenced_by, silenced_until, message_id, opened_at, updated_at, version
FROM alert_group;
-- Ids are never reused, even those of rows deleted since.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'alert_group') WHERE name = 'alert_group_v21';
DROP TABLE alert_group;
ALTER TABLE alert_group_v21 RENAME TO alert_group;
CREATE INDEX alert_group_state ON alert_group (state, team);
CREATE INDEX alert_group_snoozed ON alert_group (snoozed_until);
CREATE INDEX alert_group_silenced ON alert_group (silenced_until);
PRAGMA foreign_key_check;
RELEASE alert_group_v21;
PRAGMA foreign_keys = ON;
