package org.opsbot.bot.slack;

import org.opsbot.commands.store.SlackEventStore;
import org.opsbot.commands.store.SlackEventStore.Delivery;

/**
 * Remembers which Events API deliveries were already handled. Slack re-sends an event
 * ({@code X-Slack-Retry-Num}) when the first delivery was slow or failed, and a retry must
 * never cause a second side effect, nor be ignored when the first handling failed; the
 * production ledger is a database table so a restart between delivery and retry changes nothing.
 */
public interface EventLedger {

    /** Claims the event for a handling: {@link Delivery#NEW} means handle it, then say how it went. */
    Delivery claim(String eventId);

    /** The handling of a claimed event committed: later deliveries are duplicates. */
    void handled(String eventId);

    /** The handling of a claimed event failed: the next delivery is handled. */
    void failed(String eventId);

    /** The ledger in the database, shared by every replica. */
    static EventLedger stored(SlackEventStore store) {
        return new EventLedger() {
            @Override
            public Delivery claim(String eventId) {
                return store.claim(eventId);
            }

            @Override
            public void handled(String eventId) {
                store.handled(eventId);
            }

            @Override
            public void failed(String eventId) {
                store.failed(eventId);
            }
        };
    }
}
