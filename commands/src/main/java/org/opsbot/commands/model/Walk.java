package org.opsbot.commands.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where one subject's escalation stands.
 *
 * @param subject     what is escalated, e.g. {@code alert-group:42}
 * @param nextTier    the index of the tier to notify next (in {@code round})
 * @param lastTier    the index of the tier notified last, or -1 before the first
 * @param anchorAt    when the last tier was notified (or the subject opened)
 * @param anchorAfter that tier's {@code after}: tier i is due {@code after(i) − anchorAfter} after
 *                    {@code anchorAt}, so when a tier is reached early the later waits count
 *                    from then
 * @param dueAt       when the walk next needs attention (a tier, a repeat, or an ack whose
 *                    resolve-within ran out); empty when nothing is pending
 * @param version     bumped by every change; a change applies only to the version it read
 * @param aware       the person whose own act started or re-opened this stretch of the walk (who
 *                    declared it, unacknowledged it, escalated it): they know, so no tier pages
 *                    them until the walk starts again without them (a repeat, a resolve-within
 *                    running out, someone else's act)
 */
public record Walk(String subject, String team, String severity, Status status, int round, int nextTier, int lastTier,
                   Instant anchorAt, Duration anchorAfter, Optional<Instant> dueAt, Instant openedAt, long version,
                   Optional<Aware> aware) {

    /**
     * A person who knows about the subject by their own act.
     *
     * @param user the Slack user id
     * @param act  what they did, as the timeline says it after their mention ("declared it")
     */
    public record Aware(String user, String act) {
        public static Aware declared(String user) {
            return new Aware(user, "declared it");
        }

        public static Aware unacknowledged(String user) {
            return new Aware(user, "unacknowledged it");
        }

        public static Aware escalated(String user) {
            return new Aware(user, "escalated it");
        }

        /** The timeline's words for a tier that did not page them: "<@U…> declared it, so is not paged". */
        public String notPaged() {
            return "<@" + user + "> " + act + ", so is not paged";
        }
    }

    public enum Status {
        /** tiers are being notified as they fall due */
        WALKING,
        /** someone acknowledged; due again only if it is not resolved within resolve-within */
        ACKNOWLEDGED,
        /** the last tier was notified and the policy does not repeat */
        ENDED,
        /** resolved: nothing more will happen */
        STOPPED
    }

    public Walk with(Status status, int round, int nextTier, Instant anchorAt, Duration anchorAfter, Optional<Instant> dueAt) {
        return new Walk(subject, team, severity, status, round, nextTier, lastTier, anchorAt, anchorAfter, dueAt, openedAt,
                version, aware);
    }

    public Walk notified(int tier) {
        return new Walk(subject, team, severity, status, round, nextTier, tier, anchorAt, anchorAfter, dueAt, openedAt, version,
                aware);
    }

    /** The same walk, with {@code who} as the person who knows (empty: nobody is spared a page). */
    public Walk awareOf(Optional<Aware> who) {
        return new Walk(subject, team, severity, status, round, nextTier, lastTier, anchorAt, anchorAfter, dueAt, openedAt, version,
                who);
    }

    public Walk due(Optional<Instant> at) {
        return with(status, round, nextTier, anchorAt, anchorAfter, at);
    }
}
