package org.opsbot.bot.slack;

/**
 * Remembers which Events API deliveries were already handled. Slack re-sends an event
 * ({@code X-Slack-Retry-Num}) when the first delivery was slow or failed, and a retry must
 * never cause a second side effect; the production ledger is a database table so a restart
 * between delivery and retry changes nothing.
 */
@FunctionalInterface
public interface EventLedger {

    /** Records the id and answers true the first time; false for every later delivery of it. */
    boolean firstDelivery(String eventId);
}
