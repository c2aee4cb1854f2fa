-- A procedure's message is redrawn after every change of its state, but the change is committed
-- before the redraw is queued: a process killed in between left the message stale for good (a
-- manual step waiting with no Done button on it, an ended procedure still showing Cancel).
-- version counts the changes (bumped by the UPDATE that makes each one), drawn_version is the
-- last one whose redraw was queued in the outbox, changed_at when the last change was made; the
-- sweep redraws a run whose version is ahead of drawn_version a while after its change.
ALTER TABLE procedure_run ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE procedure_run ADD COLUMN drawn_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE procedure_run ADD COLUMN changed_at BIGINT;
