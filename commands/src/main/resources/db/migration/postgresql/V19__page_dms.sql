-- Page DMs: the direct message a person's pages gather into during a storm. A page joins the
-- person's newest DM while its last page is recent (two minutes) instead of posting a new one,
-- and every DM is redrawn in place when a subject in it changes. Kept here, not in memory, so a
-- restart still gathers into the same DM and still redraws the DMs already sent.
CREATE TABLE page_dm (
    id            BIGSERIAL PRIMARY KEY,
    user_id       TEXT   NOT NULL,
    message_id    BIGINT NOT NULL,   -- the outbox id of the DM's post
    opened_at     BIGINT NOT NULL,
    last_paged_at BIGINT NOT NULL,
    reply_id      BIGINT,            -- the outbox id of its newest "also paging you" thread reply
    reply_since   BIGINT             -- when that reply began: pages since then are listed in it
);

CREATE INDEX page_dm_user ON page_dm (user_id, last_paged_at);

-- One line per subject (alert group, incident) paging the person in that DM.
CREATE TABLE page_dm_subject (
    dm_id     BIGINT  NOT NULL REFERENCES page_dm (id),
    subject   TEXT    NOT NULL,
    tier      INTEGER NOT NULL,      -- 1-based, as the DM shows it
    tier_name TEXT    NOT NULL,
    why       TEXT    NOT NULL,
    joined_at BIGINT  NOT NULL,
    paged_at  BIGINT  NOT NULL,      -- the last page of this subject into the DM
    PRIMARY KEY (dm_id, subject)
);

CREATE INDEX page_dm_subject_subject ON page_dm_subject (subject);
