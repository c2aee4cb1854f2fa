package org.opsbot.bot.outbox;

import java.util.Optional;

/** The Web API calls the outbox worker makes; Slack itself, or the log in dry-run. */
interface SlackGateway {

    Delivery post(long outboxId, String channel, String threadTs, MessagePayload message);

    Delivery update(String channelId, String ts, MessagePayload message);

    Delivery ephemeral(String channel, String user, String threadTs, MessagePayload message);

    /**
     * Looks for a message that an earlier, uncertain attempt of outbox call {@code outboxId}
     * may have posted (it carries the id in its metadata). Empty when Slack says it is not
     * there; a {@link LookupFailedException} when Slack could not be asked.
     */
    Optional<Delivery.Sent> findPosted(long outboxId, String channel, String threadTs, long postedAfterMillis);

    /** Slack could not be asked whether an uncertain post arrived; ask again later. */
    final class LookupFailedException extends RuntimeException {
        LookupFailedException(String message) {
            super(message);
        }
    }
}
