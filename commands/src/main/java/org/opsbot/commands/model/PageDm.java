package org.opsbot.commands.model;

import java.time.Instant;
import java.util.Optional;

/**
 * A direct message a person's pages gather into: one post that lists every subject paging them
 * during a storm, redrawn in place as those subjects change.
 *
 * @param messageId   the outbox id of the DM's post (updates and thread replies go to it)
 * @param lastPagedAt when a page last went into it; a page within the gathering window joins it
 * @param replyId     the outbox id of its newest "also paging you" thread reply, if any
 * @param replySince  when that reply began: the pages since then are the ones it lists
 * @param version     bumped by every change of what it lists (a subject's walk, a page joining it)
 * @param drawnVersion the version its last redraw read: behind {@code version}, a redraw is owed
 */
public record PageDm(long id, String userId, long messageId, Instant openedAt, Instant lastPagedAt,
                     Optional<Long> replyId, Optional<Instant> replySince, long version,
                     long drawnVersion) {

    /** Something it lists changed since it was last drawn. */
    public boolean owed() {
        return version > drawnVersion;
    }

    /**
     * One subject paging the person in a DM.
     *
     * @param tier     the tier that paged them, 1-based
     * @param why      how that tier came to be paged, as the walk says it
     * @param joinedAt when the subject first paged them in this DM
     * @param pagedAt  when it last did
     */
    public record Page(String subject, int tier, String tierName, String why, Instant joinedAt, Instant pagedAt) {
    }
}
