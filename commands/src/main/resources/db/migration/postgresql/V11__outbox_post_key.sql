-- A post may carry a key that makes it once-only: a second post with the same key is the same
-- message. An alert group's parent is posted with one, so the request that opened the group and a
-- re-send that finds the group without a message (its opener was killed between the two writes)
-- can never post it twice. Posts without a key (NULL) are never the same.
ALTER TABLE outbox ADD COLUMN post_key TEXT;
CREATE UNIQUE INDEX outbox_post_key ON outbox (post_key);
