-- Maintenance windows: ad hoc ones from /ops maintenance start, and each occurrence of a recurring
-- one (opsbot.yaml's maintenance:) once it starts or is skipped. An occurrence is one row by its
-- window and start, so replicas never start, announce or end one twice. ends_at is the effective
-- end: /ops maintenance end moves it to the moment it was ended.
CREATE TABLE maintenance_window (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    team           TEXT    NOT NULL,
    window_name    TEXT,
    labels         TEXT    NOT NULL,
    starts_at      BIGINT  NOT NULL,
    ends_at        BIGINT  NOT NULL,
    reason         TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    skipped        INTEGER NOT NULL DEFAULT 0,
    ended_by       TEXT,
    started_claim  TEXT,
    finished_claim TEXT,
    silence_id     TEXT,
    UNIQUE (window_name, starts_at)
);

CREATE INDEX maintenance_window_end ON maintenance_window (ends_at);
