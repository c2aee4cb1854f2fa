package org.opsbot.bot.http;

import java.time.Instant;

/**
 * The Socket Mode link to Slack, as {@code /health/ready} reports it under the Slack check:
 * connected since, or (re)connecting since. Reported, never gating, like {@link SlackStatus}:
 * while the link is down Slack cannot deliver commands, but alert webhooks still arrive here.
 */
public record SocketStatus(State state, Instant since) {

    public enum State { CONNECTING, CONNECTED, RECONNECTING }
}
