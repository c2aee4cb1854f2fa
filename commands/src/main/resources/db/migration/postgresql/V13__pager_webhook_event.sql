-- What a pager webhook call tells the pager: a page (trigger), or that opsbot's subject was
-- acknowledged or resolved. Calls written before this column existed were all pages.
-- Since this version every call is sent by the webhook worker; the escalation step only writes it.
ALTER TABLE pager_webhook ADD COLUMN event TEXT NOT NULL DEFAULT 'TRIGGER';

-- An acknowledge or resolve looks up the subject's pages; the sender keeps each alert's calls in order.
CREATE INDEX pager_webhook_subject ON pager_webhook (subject, id);
CREATE INDEX pager_webhook_alert ON pager_webhook (dedup_key, team, tier, state);
