-- The signatures of the Slack requests /slack/events let in. Slack never sends a slash command
-- or a click twice (an Events API retry is signed anew), so a signature seen before is a
-- captured request sent again: it is refused. The key makes "first delivery" one INSERT that
-- exactly one of several replicas wins.
-- signed_at is the request's own X-Slack-Request-Timestamp (epoch milliseconds): a signature is
-- only accepted within 5 minutes of it, so a row is needed for that long and then purged.
CREATE TABLE slack_signature (
    signature TEXT PRIMARY KEY,
    signed_at BIGINT NOT NULL
);
