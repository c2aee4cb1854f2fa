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
-- scheduled action) are stored under OPSBOT.
ALTER TABLE alert_group DROP CONSTRAINT alert_group_source_check;
ALTER TABLE alert_group ADD CONSTRAINT alert_group_source_check
    CHECK (source IN ('ALERTMANAGER', 'GRAFANA', 'GENERIC', 'OPSBOT'));
