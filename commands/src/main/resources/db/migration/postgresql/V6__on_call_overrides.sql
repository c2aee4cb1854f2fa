-- "/ops override <team> <@user> <duration>": who takes a schedule's shifts for a while.
-- Rows are kept after they end, so on-call history stays answerable.
CREATE TABLE on_call_override (
    id         BIGSERIAL PRIMARY KEY,
    schedule   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE INDEX on_call_override_schedule_end ON on_call_override (schedule, ends_at);
