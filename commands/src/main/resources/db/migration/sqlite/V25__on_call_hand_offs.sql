-- Hand-offs of on-call schedules, one row per (schedule, shift start, kind): the insert that
-- creates the row is the claim, so a notice or an announcement is sent once across replicas and
-- restarts. 'announce' rows are also the record of who was on call when (for /ops stats).
-- kind: 'notice' (the DM before the shift) or 'announce' (the line in the teams' channels).
CREATE TABLE on_call_hand_off (
    schedule     TEXT   NOT NULL,
    shift_from   BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    shift_until  BIGINT NOT NULL,
    previous     TEXT,
    recorded_at  BIGINT NOT NULL,
    done_at      BIGINT,
    PRIMARY KEY (schedule, shift_from, kind)
);

CREATE INDEX on_call_hand_off_pending ON on_call_hand_off (done_at, shift_until);

-- Cover requests (/ops cover): the first member to click Take it sets taken_by, in one UPDATE
-- that only a row with taken_by IS NULL matches, so a second click finds it taken.
CREATE TABLE cover_request (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule     TEXT   NOT NULL,
    requested_by TEXT   NOT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    reason       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    taken_by     TEXT,
    taken_at     BIGINT,
    override_id  BIGINT
);
