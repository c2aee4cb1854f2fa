-- A page DM's redraw is owed in the database, not only in memory: every change of what it lists
-- (a subject's walk saved, a page joining it) bumps its version in the same transaction, and a
-- redraw records the version it drew from. A DM whose drawn_version is behind is owed a redraw:
-- a bot that died before redrawing finds it at start (or another replica finds it) and redraws it.
-- Both only grow, so two replicas drawing one DM at once can never mark a newer change as drawn.
ALTER TABLE page_dm ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE page_dm ADD COLUMN drawn_version BIGINT NOT NULL DEFAULT 0;

CREATE INDEX page_dm_owed ON page_dm (id) WHERE version > drawn_version;
