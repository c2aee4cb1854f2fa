-- Alert groups, their alerts, and who the bot notified about a group. Times are epoch
-- milliseconds (BIGINT), as in V1.

-- One row per alert group: an Alertmanager groupKey, or a route's group-by values, per team.
-- group_key is a hash of the source's key, so a long groupKey cannot bloat the unique index.
CREATE TABLE alert_group (
    id                 BIGSERIAL PRIMARY KEY,
    group_key          TEXT    NOT NULL UNIQUE,
    source             TEXT    NOT NULL CHECK (source IN ('ALERTMANAGER', 'GRAFANA', 'GENERIC')),
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

CREATE INDEX alert_group_state ON alert_group (state, team);
CREATE INDEX alert_group_snoozed ON alert_group (snoozed_until);
CREATE INDEX alert_group_silenced ON alert_group (silenced_until);

-- One row per alert fingerprint in a group. fired_annotations keep what the alert said while
-- it fired (its {{ $value }}), so a resolve does not overwrite them.
CREATE TABLE alert (
    group_id          BIGINT NOT NULL REFERENCES alert_group (id),
    fingerprint       TEXT   NOT NULL,
    status            TEXT   NOT NULL CHECK (status IN ('FIRING', 'RESOLVED')),
    starts_at         BIGINT NOT NULL,
    ends_at           BIGINT,
    labels            TEXT   NOT NULL,
    annotations       TEXT   NOT NULL,
    fired_annotations TEXT   NOT NULL,
    generator_url     TEXT,
    received_at       BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (group_id, fingerprint)
);

-- Slack users the bot mentioned or messaged about a group: they may act on it.
CREATE TABLE alert_group_notified (
    group_id BIGINT NOT NULL REFERENCES alert_group (id),
    user_id  TEXT   NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
