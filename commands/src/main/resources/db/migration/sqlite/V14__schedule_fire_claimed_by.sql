-- Which process claimed a schedule's fired_for time and has not started its run yet; NULL once
-- the run started (and for times only remembered, never run). A claim whose holder was killed
-- between the claim and the start is taken over by the next scheduler lease holder, instead of
-- the run being skipped.
ALTER TABLE schedule_fire ADD COLUMN claimed_by TEXT;
