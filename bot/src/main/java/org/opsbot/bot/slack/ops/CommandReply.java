package org.opsbot.bot.slack.ops;

import org.opsbot.bot.outbox.SlackMessage;

import java.util.Optional;

/**
 * What goes into the ack of a slash command: nothing (the work posts its result later through
 * the outbox), a message only the caller sees, or a message the whole channel sees.
 */
public record CommandReply(Optional<SlackMessage> message, boolean inChannel) {

    public static CommandReply ephemeral(SlackMessage message) {
        return new CommandReply(Optional.of(message), false);
    }

    public static CommandReply ephemeral(String text) {
        return ephemeral(SlackMessage.text(text));
    }

    public static CommandReply inChannel(SlackMessage message) {
        return new CommandReply(Optional.of(message), true);
    }

    /** An empty ack: Slack shows nothing, the caller sees the result when the outbox posts it. */
    public static CommandReply silent() {
        return new CommandReply(Optional.empty(), false);
    }
}
