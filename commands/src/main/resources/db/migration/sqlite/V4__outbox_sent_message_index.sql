-- A click on a message names it by channel and ts; this finds the outbox post it came from,
-- so the click can update that very message (a runbook's checklist after a tick).
CREATE INDEX outbox_sent_message ON outbox (sent_ts, sent_channel);
