package org.opsbot.bot.outbox;

/**
 * Hears how a channel creation asked of the outbox ended. Called by the sending replica, after
 * Slack answered and before the outcome is recorded: if it throws, the creation is tried again
 * (it finds the channel it made), so what it does must bear being done twice.
 */
public interface ChannelListener {

    void created(String purpose, String channelId);

    /** Slack will never create it as asked (name refused, scope missing, dry run). */
    void failed(String purpose, String reason);
}
