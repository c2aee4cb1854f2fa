package org.opsbot.commands.escalation;

import org.opsbot.commands.model.PageDm;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.PageDmStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which direct message a person's pages go into. During a storm every page of a person joins
 * the DM they were last paged in, as long as that was less than {@link #GATHER} ago, instead of
 * posting a DM of its own; each subject still walks its own tiers, only the DMs merge. Kept in
 * the database, so a restart gathers into the same DM and still redraws the ones sent, and
 * redraws the ones owed a redraw when it stopped ({@link #owed()}).
 */
public final class PageDms {
    /** A page this soon after the person's last page joins that page's DM. */
    public static final Duration GATHER = Duration.ofMinutes(2);
    /**
     * Pages that join a DM are also told in its thread (an edit does not notify). Within this
     * long of the thread reply's start they go into that reply rather than a new one: one
     * notification for a burst, listing all of it.
     */
    public static final Duration REPLY_FOLD = Duration.ofSeconds(10);

    private final PageDmStore store;
    private final Clock clock;

    public PageDms(Database db, Clock clock) {
        this.store = new PageDmStore(db);
        this.clock = clock;
    }

    /** A page of {@code subject} by tier {@code tier} (1-based), now. */
    public PageDm.Page page(String subject, int tier, String tierName, String why) {
        Instant now = clock.instant();
        return new PageDm.Page(subject, tier, tierName, why, now, now);
    }

    /** The DM gathering {@code userId}'s pages now, if a page of theirs went out less than {@link #GATHER} ago. */
    public Optional<PageDm> gathering(String userId) {
        Instant now = clock.instant();
        return store.newest(userId).filter(dm -> dm.lastPagedAt().plus(GATHER).isAfter(now));
    }

    /** A new DM, posted as outbox message {@code messageId}, listing {@code first}. */
    public PageDm open(String userId, long messageId, PageDm.Page first) {
        return store.open(userId, messageId, first);
    }

    /** {@code page} joins {@code dm}; true when its subject is new there. */
    public boolean join(PageDm dm, PageDm.Page page) {
        return store.add(dm.id(), page);
    }

    public Optional<PageDm> find(long id) {
        return store.find(id);
    }

    /** The subjects {@code dmId} lists, in the order they joined. */
    public List<PageDm.Page> pages(long dmId) {
        return store.pages(dmId);
    }

    /** The DMs listing {@code subject}. */
    public List<Long> holding(String subject) {
        return store.holding(subject);
    }

    /**
     * The DMs owed a redraw: something they list changed (its walk was stored, a page joined)
     * and no redraw since has read it. The bot redraws them at start, so a redraw lost with a
     * process that died is not lost.
     */
    public List<Long> owed() {
        return store.owed();
    }

    /** {@code dm}, as read before it was drawn, was redrawn: it is settled up to its version. */
    public void drawn(PageDm dm) {
        if (dm.owed()) { // else there is nothing to settle, and no write is needed
            store.drawn(dm.id(), dm.version());
        }
    }

    /**
     * The thread reply of {@code dm} that a page joining now goes into, with when it began; empty
     * when a new reply is due (there is none, or it began {@link #REPLY_FOLD} or more ago).
     */
    public Optional<Reply> openReply(PageDm dm) {
        Instant now = clock.instant();
        return dm.replyId().flatMap(id -> dm.replySince()
                .filter(since -> since.plus(REPLY_FOLD).isAfter(now))
                .map(since -> new Reply(id, since)));
    }

    /** {@code dm}'s newest thread reply is {@code replyId}, begun now. */
    public void replied(PageDm dm, long replyId) {
        store.replied(dm.id(), replyId, clock.instant());
    }

    /** A DM's thread reply: outbox message {@code id}, listing the pages since {@code since}. */
    public record Reply(long id, Instant since) {
    }
}
