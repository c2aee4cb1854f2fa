-- The App Home: who opened it (only they get their Home published again when what it shows
-- changes), when it was last published and a hash of what it showed, so a refresh is sent only
-- for a change and at most once every few seconds per person. Its views.publish calls go
-- through the outbox as the HOME kind, one lane per person, the newest pending view replacing
-- an older one that was not sent yet.
CREATE TABLE home_viewer (
    user_id      TEXT   PRIMARY KEY,
    opened_at    BIGINT NOT NULL,
    published_at BIGINT,
    view_hash    TEXT
);
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('POST', 'UPDATE', 'EPHEMERAL', 'CHANNEL', 'FILE', 'HOME'));
