-- One row per notification a tier sent, or tried to: who (a Slack user or a pager), about what,
-- at which tier, and what became of it. Stats count pages from here rather than from the
-- escalation history's sentences, which were written for people.
CREATE TABLE page (
    id        BIGSERIAL PRIMARY KEY,
    subject   TEXT    NOT NULL,
    team      TEXT    NOT NULL,
    severity  TEXT    NOT NULL,
    tier      INTEGER NOT NULL,
    tier_name TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    at        BIGINT  NOT NULL,
    outcome   TEXT    NOT NULL CHECK (outcome IN ('SENT', 'DO_NOT_DISTURB', 'FAILED', 'NOBODY')),
    detail    TEXT    NOT NULL
);

CREATE INDEX page_team_at ON page (team, at);
CREATE INDEX page_subject ON page (subject);
CREATE INDEX alert_group_team_opened ON alert_group (team, opened_at);
CREATE INDEX escalation_event_kind_subject ON escalation_event (kind, subject, at);

-- Back-filled from the escalation history where a sentence names who was notified: one row
-- per walk step that reached someone, the target left empty (the history does not say who in
-- words a machine can split reliably).
INSERT INTO page (subject, team, severity, tier, tier_name, target, at, outcome, detail)
SELECT e.subject, w.team, w.severity, COALESCE(e.tier, 0),
       CASE WHEN strpos(e.detail, ':') > 0 THEN substr(e.detail, 1, strpos(e.detail, ':') - 1) ELSE e.detail END,
       '', e.at, 'SENT', 'back-filled from the escalation history'
FROM escalation_event e JOIN escalation w ON w.subject = e.subject
WHERE e.kind = 'NOTIFIED';

-- The Actionable? Yes / No answer on a resolved alert group: the noisy-alerts list counts the
-- groups people marked as not worth a page. The last answer counts.
CREATE TABLE alert_group_verdict (
    group_id   BIGINT  PRIMARY KEY REFERENCES alert_group (id),
    actionable INTEGER NOT NULL CHECK (actionable IN (0, 1)),
    answered_by TEXT   NOT NULL,
    answered_at BIGINT NOT NULL
);
