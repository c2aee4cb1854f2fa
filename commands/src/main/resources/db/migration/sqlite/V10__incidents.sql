-- Incidents: declared by hand (or from an alert group), commanded by one person at a time,
-- resolved by hand. Times are epoch milliseconds (BIGINT), as in V1.
CREATE TABLE incident (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    severity          TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    team              TEXT,
    commander         TEXT    NOT NULL,
    declared_by       TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('OPEN', 'RESOLVED')),
    -- where it was declared, so "/ops incident update" there finds it without an id
    origin_channel    TEXT,
    -- its own channel's id, when slack.incident-channels created one
    channel_id        TEXT,
    -- the incident message's outbox id, updated in place
    message_id        BIGINT,
    declared_at       BIGINT  NOT NULL,
    acked_at          BIGINT,
    acked_by          TEXT,
    mitigated_at      BIGINT,
    resolved_at       BIGINT,
    resolved_by       TEXT,
    -- the last status update (or the declaration): the reminder counts from here
    last_update_at    BIGINT  NOT NULL,
    reminded_at       BIGINT
);

CREATE INDEX incident_state ON incident (state, id);

-- Alert groups linked to an incident: their audit history lands on its timeline.
CREATE TABLE incident_alert_group (
    incident_id    BIGINT NOT NULL REFERENCES incident (id),
    alert_group_id BIGINT NOT NULL,
    linked_by      TEXT   NOT NULL,
    linked_at      BIGINT NOT NULL,
    PRIMARY KEY (incident_id, alert_group_id)
);

-- What people said and did on the incident itself (declared, updates, hand-overs, ack,
-- mitigated, resolved); alerts, escalations and actions are read from their own tables.
CREATE TABLE incident_event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incident (id),
    at          BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    text        TEXT   NOT NULL
);

CREATE INDEX incident_event_incident ON incident_event (incident_id, id);
