package org.opsbot.commands.model;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One notification a tier sent, or tried to send: the row stats count pages from.
 *
 * @param target  the Slack user id, or the pager's name; empty when nobody was on call
 * @param tier    0-based, as the walk counts tiers
 */
public record Page(String subject, String team, String severity, int tier, String tierName, String target,
                   Instant at, Outcome outcome, String detail) {

    public enum Outcome {
        /** Delivered to Slack or accepted by a pager. */
        SENT,
        /** The person was in Do Not Disturb, so the tier did not count them as reached. */
        DO_NOT_DISTURB,
        /** A pager refused or could not be called. */
        FAILED,
        /** Nobody was on call for the tier. */
        NOBODY
    }

    // The pager's words for a person it skipped: "<@U123> is in Do Not Disturb until 07:00".
    private static final Pattern QUIET = Pattern.compile("<@([UW][A-Z0-9]+)> is in Do Not Disturb.*");
    private static final Pattern LABELLED = Pattern.compile("([^:]{1,80}): (.+)");

    /** A person or pager the tier reached. */
    public static Page sent(Walk walk, int tier, String tierName, String target, Instant at) {
        return new Page(walk.subject(), walk.team(), walk.severity(), tier, tierName, target, at, Outcome.SENT, "");
    }

    /** One of the pager's "not reached" reasons, as a row: whom it names and why. */
    public static Page notReached(Walk walk, int tier, String tierName, String reason, Instant at) {
        Matcher quiet = QUIET.matcher(reason);
        if (quiet.matches()) {
            return new Page(walk.subject(), walk.team(), walk.severity(), tier, tierName, quiet.group(1), at,
                    Outcome.DO_NOT_DISTURB, reason);
        }
        Matcher labelled = LABELLED.matcher(reason);
        if (labelled.matches() && !reason.startsWith("nobody")) {
            return new Page(walk.subject(), walk.team(), walk.severity(), tier, tierName, labelled.group(1), at,
                    Outcome.FAILED, reason);
        }
        return new Page(walk.subject(), walk.team(), walk.severity(), tier, tierName, "", at, Outcome.NOBODY, reason);
    }
}
