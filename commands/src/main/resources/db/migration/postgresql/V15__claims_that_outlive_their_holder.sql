-- Which process claimed a schedule's fired_for time and has not started its run yet; NULL once
-- the run started (and for times only remembered, never run). A claim whose holder was killed
-- between the claim and the start is taken over by the next scheduler lease holder, instead of
-- the run being skipped.
ALTER TABLE schedule_fire ADD COLUMN claimed_by TEXT;

-- Until when an Events API delivery is being handled; NULL once its handling committed (and for
-- rows from before). A delivery whose handler failed is forgotten, or, when even that failed,
-- handled again by a retry that comes after this time: the record of a delivery counts only
-- once its handling committed.
ALTER TABLE slack_event ADD COLUMN handling_until BIGINT;
