package org.opsbot.commands.model;

/**
 * One Slack Web API call in the outbox.
 *
 * @param lane      calls in one lane are sent strictly in id order (one channel's posts, or
 *                  one message's updates)
 * @param channel   as the caller named it: a channel id, {@code #name}, or a user id (DM)
 * @param payload   the message as JSON: {@code text}, {@code blocks}, {@code attachments}
 * @param uncertain a post attempt may have reached Slack without us learning its outcome; the
 *                  next attempt looks for the message before posting again
 * @param userId    who sees an ephemeral message; for a post, file or channel, who asked for it
 *                  (told when it cannot be made), if anyone did
 * @param progress  how far a call made in steps got (a file: its Slack file id once uploaded)
 */
public record OutboxEntry(
        long id,
        Kind kind,
        String lane,
        String channel,
        String threadTs,
        Long parentId,
        Long targetId,
        String userId,
        String payload,
        Status status,
        int attempts,
        long nextAttemptAt,
        Long expiresAt,
        boolean uncertain,
        String sentChannel,
        String sentTs,
        String lastError,
        long createdAt,
        String progress) {

    /**
     * POST, UPDATE and EPHEMERAL are chat messages; CHANNEL creates a channel (payload: its name
     * and who to invite); FILE uploads and shares a file in {@code channel}; HOME publishes the
     * App Home view (payload) of the user in {@code channel}; USERGROUP sets the members (payload:
     * user ids, comma-separated) of the user group whose handle is in {@code channel}.
     */
    public enum Kind { POST, UPDATE, EPHEMERAL, CHANNEL, FILE, HOME, USERGROUP }

    public enum Status { PENDING, SENT, FAILED, EXPIRED, SUPERSEDED }
}
