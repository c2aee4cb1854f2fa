-- 1 when a page was all that reached its tier (nobody in Slack was notified with it): the tier
-- counted as reached on the strength of this page alone, so if the pager does not take its
-- first attempt the walk moves on at once, as it does for a tier whose people are in Do Not
-- Disturb.
ALTER TABLE pager_webhook ADD COLUMN counted_alone INTEGER NOT NULL DEFAULT 0;
