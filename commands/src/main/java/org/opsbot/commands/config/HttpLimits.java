package org.opsbot.commands.config;

import java.time.Duration;

/**
 * How long the HTTP server waits for a slow client, and how many connections it holds at once:
 * without these, a client that sends half a request holds its connection for ever, and enough of
 * them hold the whole server.
 *
 * @param headerTimeout  {@code OPSBOT_HTTP_HEADER_TIMEOUT}: from a new connection, or from the
 *                       request line of a kept-alive one, until the request's headers are complete
 * @param bodyTimeout    {@code OPSBOT_HTTP_BODY_TIMEOUT}: the longest a request body may pause
 *                       between two reads
 * @param idleTimeout    {@code OPSBOT_HTTP_IDLE_TIMEOUT}: how long a kept-alive connection may wait
 *                       for its next request
 * @param maxConnections {@code OPSBOT_HTTP_MAX_CONNECTIONS}: open connections at most; more wait
 *                       in the listen queue until one closes
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {

    public static final HttpLimits DEFAULT =
            new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 1_000);

    public HttpLimits {
        if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()
                || idleTimeout.isNegative() || idleTimeout.isZero() || maxConnections < 1) {
            throw new IllegalArgumentException("HTTP timeouts must be positive and at least one connection allowed: "
                    + headerTimeout + ", " + bodyTimeout + ", " + idleTimeout + ", " + maxConnections);
        }
    }
}
