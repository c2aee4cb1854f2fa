package org.opsbot.commands.escalation;

import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;

import java.util.List;

/**
 * Notifies a tier's people about a subject: the bot's implementation mentions them in the
 * subject's thread, sends each a direct message with Acknowledge and Escalate buttons, asks
 * Slack who is in Do Not Disturb, and calls the tier's pager webhook if it has one.
 */
public interface Pager {

    /**
     * @param why how the tier came to be notified, for the message ("not acknowledged for
     *            30m", "escalated by &lt;@U…&gt;: db is down")
     */
    Result page(Walk walk, OnCallRoster.TierOnCall tier, String why);

    /**
     * Tells the subject's thread what the walk did besides paging: a tier nobody could be
     * reached in, the walk starting again or ending.
     */
    default void tell(Walk walk, WalkEvent event) {
    }

    /**
     * The subject was acknowledged or resolved in opsbot: pagers that were paged about it are
     * told, so the incident closes there too. Called after the walk was stored; may be called
     * again for the same change (it must not tell a pager twice).
     */
    default void settled(Walk walk, Settled how) {
    }

    /**
     * A subject's walk was stored after a change (acknowledged, unacknowledged, paused, escalated,
     * stopped, or a tier fired), or a change of the subject itself left it as it was: whatever
     * shows the subject to the people paged about it is redrawn. Called once the subject's own
     * change is committed; may be called again for the same state.
     */
    default void changed(Walk walk) {
    }

    /** How a subject was settled in opsbot. */
    enum Settled { ACKNOWLEDGED, RESOLVED }

    /**
     * @param reached     who was notified and can be expected to see it (user ids, or a pager)
     * @param unreachable who was not, and why ("U… is in Do Not Disturb until 07:00")
     */
    record Result(List<String> reached, List<String> unreachable) {
        public Result {
            reached = List.copyOf(reached);
            unreachable = List.copyOf(unreachable);
        }

        public boolean anyoneReached() {
            return !reached.isEmpty();
        }
    }
}
