-- The outbox also creates channels (an incident's own) and uploads files (a postmortem), so a
-- long Slack outage delays them like any message instead of losing them. A file is uploaded in
-- steps; progress keeps the Slack file id once its bytes are up, so a retry completes that file
-- instead of uploading (and sharing) another.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL', 'CHANNEL', 'FILE'));
ALTER TABLE outbox ADD COLUMN progress TEXT;
