-- One escalation walk per subject (an alert group, later an incident): where it is in its
-- policy and when its next step is due. The scheduler fires due rows; a version column makes
-- each step a compare-and-set, so two replicas never fire the same step.
CREATE TABLE escalation (
    subject         TEXT    PRIMARY KEY,
    team            TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('WALKING', 'ACKNOWLEDGED', 'ENDED', 'STOPPED')),
    round           INTEGER NOT NULL,
    next_tier       INTEGER NOT NULL,
    anchor_at       BIGINT  NOT NULL,
    anchor_after_ms BIGINT  NOT NULL,
    due_at          BIGINT,
    opened_at       BIGINT  NOT NULL,
    version         BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE INDEX escalation_due ON escalation (status, due_at);

-- What the walk did, in order: notified, unreachable, passed over, acknowledged, re-opened…
-- A postmortem computes time to acknowledge per tier from it.
CREATE TABLE escalation_event (
    id      BIGSERIAL PRIMARY KEY,
    subject TEXT   NOT NULL,
    at      BIGINT NOT NULL,
    kind    TEXT   NOT NULL,
    tier    INTEGER,
    detail  TEXT   NOT NULL
);

CREATE INDEX escalation_event_subject ON escalation_event (subject, id);
