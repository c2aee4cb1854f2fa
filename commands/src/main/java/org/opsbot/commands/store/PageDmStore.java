package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.PageDm;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The page DMs people's pages gather into, and the subjects each one lists. */
public final class PageDmStore {
    private static final String COLUMNS = "id, user_id, message_id, opened_at, last_paged_at, reply_id, reply_since, version, drawn_version";
    private static final RowMapper<PageDm> DM = (rs, ctx) -> new PageDm(
            rs.getLong("id"),
            rs.getString("user_id"),
            rs.getLong("message_id"),
            Instant.ofEpochMilli(rs.getLong("opened_at")),
            Instant.ofEpochMilli(rs.getLong("last_paged_at")),
            nullable(rs, "reply_id"),
            nullable(rs, "reply_since").map(Instant::ofEpochMilli),
            rs.getLong("version"),
            rs.getLong("drawn_version"));
    private static final RowMapper<PageDm.Page> PAGE = (rs, ctx) -> new PageDm.Page(
            rs.getString("subject"),
            rs.getInt("tier"),
            rs.getString("tier_name"),
            rs.getString("why"),
            Instant.ofEpochMilli(rs.getLong("joined_at")),
            Instant.ofEpochMilli(rs.getLong("paged_at")));

    private final Database db;

    public PageDmStore(Database db) {
        this.db = db;
    }

    /** The person's most recently paged DM, if they ever had one. */
    public Optional<PageDm> newest(String userId) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM page_dm WHERE user_id = :user"
                        + " ORDER BY last_paged_at DESC, id DESC LIMIT 1")
                .bind("user", userId)
                .map(DM)
                .findOne());
    }

    public Optional<PageDm> find(long id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM page_dm WHERE id = :id")
                .bind("id", id)
                .map(DM)
                .findOne());
    }

    /** A new DM posted as outbox message {@code messageId}, listing {@code first}. */
    public PageDm open(String userId, long messageId, PageDm.Page first) {
        long at = first.pagedAt().toEpochMilli();
        return db.write(h -> {
            long id = h.createUpdate("""
                            INSERT INTO page_dm (user_id, message_id, opened_at, last_paged_at)
                            VALUES (:user, :message, :at, :at)""")
                    .bind("user", userId)
                    .bind("message", messageId)
                    .bind("at", at)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            insertPage(h, id, first);
            return new PageDm(id, userId, messageId, first.pagedAt(), first.pagedAt(), Optional.empty(), Optional.empty(), 0, 0);
        });
    }

    /**
     * {@code page} goes into DM {@code dmId}: a new line, or a new page of a subject it already
     * lists (its tier and reason change, its joining time stays). True when the subject is new to it.
     * The DM is owed a redraw from then on.
     */
    public boolean add(long dmId, PageDm.Page page) {
        return db.write(h -> {
            h.createUpdate("UPDATE page_dm SET last_paged_at = :at, version = version + 1 WHERE id = :id")
                    .bind("at", page.pagedAt().toEpochMilli())
                    .bind("id", dmId)
                    .execute();
            int updated = h.createUpdate("""
                            UPDATE page_dm_subject SET tier = :tier, tier_name = :tierName, why = :why, paged_at = :at
                            WHERE dm_id = :dm AND subject = :subject""")
                    .bind("tier", page.tier())
                    .bind("tierName", page.tierName())
                    .bind("why", page.why())
                    .bind("at", page.pagedAt().toEpochMilli())
                    .bind("dm", dmId)
                    .bind("subject", page.subject())
                    .execute();
            if (updated == 0) {
                insertPage(h, dmId, page);
                return true;
            }
            return false;
        });
    }

    /** The subjects DM {@code dmId} lists, in the order they joined it. */
    public List<PageDm.Page> pages(long dmId) {
        return db.read(h -> h.createQuery("""
                        SELECT subject, tier, tier_name, why, joined_at, paged_at FROM page_dm_subject
                        WHERE dm_id = :dm ORDER BY joined_at, subject""")
                .bind("dm", dmId)
                .map(PAGE)
                .list());
    }

    /** The DMs that list {@code subject}: the ones to redraw when it changes. */
    public List<Long> holding(String subject) {
        return db.read(h -> h.createQuery("SELECT dm_id FROM page_dm_subject WHERE subject = :subject ORDER BY dm_id")
                .bind("subject", subject)
                .mapTo(Long.class)
                .list());
    }

    /**
     * {@code subject} changed: every DM listing it is owed a redraw. Called inside the write
     * that stores the change (a walk's save), so the debt is kept exactly when the change is.
     */
    static void owe(Handle h, String subject) {
        List<Long> dms = h.createQuery("SELECT dm_id FROM page_dm_subject WHERE subject = :subject ORDER BY dm_id")
                .bind("subject", subject)
                .mapTo(Long.class)
                .list();
        // One row at a time in id order: two saves of subjects that share DMs lock those rows in
        // the same order (PostgreSQL), so they wait for each other instead of deadlocking.
        for (long dm : dms) {
            h.createUpdate("UPDATE page_dm SET version = version + 1 WHERE id = :id").bind("id", dm).execute();
        }
    }

    /**
     * DM {@code dmId} was redrawn from what was stored at its {@code version}: a change since
     * (a higher version) leaves it owed. Never moves back, so a slower drawer of an older version
     * cannot hide a newer change.
     */
    public void drawn(long dmId, long version) {
        db.write(h -> h.createUpdate("UPDATE page_dm SET drawn_version = :version WHERE id = :id AND drawn_version < :version")
                .bind("id", dmId)
                .bind("version", version)
                .execute());
    }

    /** The DMs owed a redraw, oldest first. */
    public List<Long> owed() {
        return db.read(h -> h.createQuery("SELECT id FROM page_dm WHERE version > drawn_version ORDER BY id")
                .mapTo(Long.class)
                .list());
    }

    /** The DM's newest thread reply is outbox message {@code replyId}, listing the pages since {@code since}. */
    public void replied(long dmId, long replyId, Instant since) {
        db.write(h -> h.createUpdate("UPDATE page_dm SET reply_id = :reply, reply_since = :since WHERE id = :id")
                .bind("reply", replyId)
                .bind("since", since.toEpochMilli())
                .bind("id", dmId)
                .execute());
    }

    private static Optional<Long> nullable(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static void insertPage(Handle h, long dmId, PageDm.Page page) {
        h.createUpdate("""
                        INSERT INTO page_dm_subject (dm_id, subject, tier, tier_name, why, joined_at, paged_at)
                        VALUES (:dm, :subject, :tier, :tierName, :why, :joined, :at)""")
                .bind("dm", dmId)
                .bind("subject", page.subject())
                .bind("tier", page.tier())
                .bind("tierName", page.tierName())
                .bind("why", page.why())
                .bind("joined", page.joinedAt().toEpochMilli())
                .bind("at", page.pagedAt().toEpochMilli())
                .execute();
    }
}
