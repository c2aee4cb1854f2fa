-- Which process claimed a walk to fire it (NULL when nobody is firing it). A replica that takes
-- the escalations lease over makes the walks a dead holder had claimed due at once, instead of
-- leaving them until the claim runs out.
ALTER TABLE escalation ADD COLUMN claimed_by TEXT;
