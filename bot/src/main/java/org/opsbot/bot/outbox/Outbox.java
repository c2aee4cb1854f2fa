package org.opsbot.bot.outbox;

import java.util.List;

/**
 * Every Slack Web API call the bot makes goes through here: the call is written to the
 * database first and sent later by the outbox worker, so a crash, a Slack outage or a rate
 * limit delays a message but never drops it. Each method returns the outbox id, which later
 * calls use to thread on or update the message once Slack has given it a {@code ts}.
 */
public interface Outbox {

    /** A new top-level message in a channel (id or {@code #name}), or a DM when given a user id. */
    long post(String channel, SlackMessage message);

    /**
     * Like {@link #post}, once per {@code key}: a second call with the same key posts nothing
     * and returns the first call's id. For messages that two flows may both try to post, such as
     * an alert group's parent after a crash.
     */
    long postOnce(String key, String channel, SlackMessage message);

    /** A reply in the thread of a message this outbox posted (it may not be sent yet). */
    long reply(long parentId, SlackMessage message);

    /** A reply in a thread the bot did not start, e.g. under a user's message. */
    long reply(String channel, String threadTs, SlackMessage message);

    /** Replaces a message this outbox posted; pending updates of one message coalesce. */
    long update(long messageId, SlackMessage message);

    /**
     * A message only {@code user} sees; dropped rather than delivered late. When the database
     * cannot store it, it is sent at once instead (and the id is negative).
     */
    long ephemeral(String channel, String user, SlackMessage message);

    /**
     * Creates the public channel {@code name}, or uses the one of that name that exists, and
     * invites {@code invite}. The listener registered for {@code purpose}'s prefix
     * ({@link #onChannels}) hears the outcome; a {@link #reply(long, SlackMessage)} to the
     * returned id is a first message in the channel, posted once it exists.
     */
    long createChannel(String name, List<String> invite, String purpose);

    /**
     * Uploads {@code content} as a file and shares it in {@code channel}; a
     * {@link #reply(long, SlackMessage)} to the returned id is posted below it once it is shared.
     * {@code requestedBy} (or null) is told by direct message if Slack never takes it.
     */
    long shareFile(String channel, String fileName, String title, String content, String requestedBy);

    /** As {@link #shareFile}, for binary content such as a chart's PNG. */
    long shareBytes(String channel, String fileName, String title, byte[] content, String requestedBy);

    /** As {@link #shareBytes}, once per {@code key}, as {@link #postOnce} posts. */
    long shareBytesOnce(String key, String channel, String fileName, String title, byte[] content);

    /**
     * Publishes {@code view} as {@code user}'s App Home ({@code views.publish}). A view still
     * waiting to be sent is replaced by this one: only the newest is sent.
     */
    long publishHome(String user, com.slack.api.model.view.View view);

    /**
     * Sets the members of the Slack user group {@code handle} ({@code usergroups.users.update}).
     * A membership still waiting to be sent is replaced by this one: only the newest is sent.
     */
    long setUsergroup(String handle, List<String> members);

    /**
     * The members last asked of user group {@code handle}, whether sent, waiting or refused for
     * good; empty when none were.
     */
    java.util.Optional<List<String>> lastUsergroup(String handle);

    /**
     * This outbox, with its posts made on behalf of {@code user}: if one cannot be delivered
     * (the bot is not in the channel), the user is told by direct message.
     */
    Outbox onBehalfOf(String user);

    /** {@code listener} hears the outcome of channel creations whose purpose starts with {@code purposePrefix}. */
    void onChannels(String purposePrefix, ChannelListener listener);
}
