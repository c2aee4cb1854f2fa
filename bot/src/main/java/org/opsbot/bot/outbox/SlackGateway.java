package org.opsbot.bot.outbox;

import java.util.List;
import java.util.Optional;

/** The Web API calls the outbox worker makes; Slack itself, or the log in dry-run. */
interface SlackGateway {

    /**
     * Posts a message. {@code freshConnection}: on a connection of its own rather than a pooled
     * one, for a post whose earlier try failed uncertainly (maybe on a pooled connection that
     * Slack's side had closed).
     */
    Delivery post(long outboxId, String channel, String threadTs, MessagePayload message, boolean freshConnection);

    Delivery update(String channelId, String ts, MessagePayload message);

    Delivery ephemeral(String channel, String user, String threadTs, MessagePayload message);

    /**
     * Creates the public channel {@code name}, or finds it when it exists already (a retry after
     * an answer that was lost, or someone made it by hand), and invites {@code invite}. Sent
     * names the channel's id.
     */
    Delivery createChannel(String name, List<String> invite);

    /** Publishes {@code viewJson} as {@code user}'s App Home. */
    Delivery publishHome(String user, String viewJson);

    /** Sets the members of the user group {@code handle} (its handle, looked up to its id). */
    Delivery updateUsergroup(String handle, List<String> members);

    /** Uploads a file's bytes (not yet shared anywhere); Sent names the new file's id as its channel. */
    Delivery uploadFile(String fileName, byte[] content);

    /** Shares an uploaded file in {@code channel}. */
    Delivery completeUpload(String fileId, String channel, String title);

    /**
     * Whether an uploaded file is shared already: a completion whose answer was lost may have
     * been acted on. A {@link LookupFailedException} when Slack could not be asked.
     */
    boolean fileShared(String fileId);

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
