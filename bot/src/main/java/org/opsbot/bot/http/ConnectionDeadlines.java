package org.opsbot.bot.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import org.opsbot.commands.config.HttpLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes the connections of clients that are too slow, so that half-sent requests cannot hold
 * the server. Helidon 4 reads server connections without any timeout (its {@code read-timeout}
 * applies to its client only, and its idle-connection check spares a connection that has sent a
 * request line but not its headers), so this watches each connection itself:
 *
 * <ul>
 *   <li>while a request line and headers are read, no read may wait longer than
 *       {@link HttpLimits#headerTimeout()}, and all of it may take at most twice that (a client
 *       that sends a byte now and then is cut off too);</li>
 *   <li>while a request's body is read, no read may wait longer than {@link HttpLimits#bodyTimeout()}
 *       (a handler that takes long to answer is not cut off: it does not read);</li>
 *   <li>after an answer, the next request must begin within {@link HttpLimits#idleTimeout()}.</li>
 * </ul>
 *
 * The waits are socket read timeouts, as Helidon ends a connection whose read times out quietly
 * (a socket closed under its reader it reports as an internal error with a stack trace). The "at
 * most twice" is a timer that shortens the read timeout to nothing: only clients that trickle in
 * bytes meet it, and their connection ends at their next byte.
 *
 * <p>Helidon tells it when a connection was accepted (through {@link #socketOptions()}, whose
 * {@code configureSocket} it calls with every accepted socket), when a request's line and headers
 * were read ({@link #receiving()}) and when an answer starts ({@link #sending()}).
 */
final class ConnectionDeadlines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadlines.class);

    private enum Phase { HEADERS, BODY, IDLE }

    private final HttpLimits limits;
    private final ScheduledThreadPoolExecutor timer;
    // Keyed by the client's address and port, which Helidon's ConnectionContext also reports.
    private final Map<SocketAddress, Watched> connections = new ConcurrentHashMap<>();

    ConnectionDeadlines(HttpLimits limits) {
        this.limits = limits;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "opsbot-http-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        // Connections that ended while no deadline was due (in a handler) are forgotten here.
        long sweep = Math.max(1, limits.idleTimeout().toSeconds());
        timer.scheduleWithFixedDelay(() -> connections.values().removeIf(w -> w.socket.isClosed()),
                sweep, sweep, TimeUnit.SECONDS);
    }

    /** For {@code ListenerConfig.connectionOptions}: Helidon's defaults, plus the start of each connection's watch. */
    SocketOptions socketOptions() {
        return new Watching(SocketOptions.create());
    }

    /** For {@code Http1Config.addReceiveListener}: a request's line and headers have been read. */
    Http1ConnectionListener receiving() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                watched(ctx).ifPresent(Watched::requestBegan);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                watched(ctx).ifPresent(Watched::headersRead);
            }
        };
    }

    /** For {@code Http1Config.addSendListener}: an answer is being sent. */
    Http1ConnectionListener sending() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                watched(ctx).ifPresent(Watched::answered);
            }
        };
    }

    private void accepted(Socket socket) {
        Watched watched = new Watched(socket);
        Watched before = connections.put(socket.getRemoteSocketAddress(), watched);
        if (before != null) {
            before.cancel();
        }
        watched.start();
    }

    private Optional<Watched> watched(ConnectionContext ctx) {
        return Optional.ofNullable(connections.get(ctx.remotePeer().address()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        connections.clear();
    }

    /** One connection: which phase it is in, and the end that is due if it stays there too long. */
    private final class Watched {
        private final Socket socket;
        private Phase phase;
        // Counts the phases entered, so that a timer of an earlier one never ends a later one.
        private long entered;
        private ScheduledFuture<?> due;

        Watched(Socket socket) {
            this.socket = socket;
        }

        synchronized void start() {
            enter(Phase.HEADERS, limits.headerTimeout(), limits.headerTimeout().multipliedBy(2));
        }

        /** The request line has arrived; after an idle wait, the headers' time starts now. */
        synchronized void requestBegan() {
            if (phase == Phase.IDLE) {
                enter(Phase.HEADERS, limits.headerTimeout(), limits.headerTimeout().multipliedBy(2));
            }
        }

        synchronized void headersRead() {
            enter(Phase.BODY, limits.bodyTimeout(), null);
        }

        synchronized void answered() {
            // A request line that trickles in after the wait gets the headers' time on top.
            enter(Phase.IDLE, limits.idleTimeout(), limits.idleTimeout().plus(limits.headerTimeout()));
        }

        synchronized void cancel() {
            if (due != null) {
                due.cancel(false);
            }
        }

        /** Each read of this phase waits at most {@code readTimeout}; the phase lasts at most {@code closeAfter}. */
        private void enter(Phase next, Duration readTimeout, Duration closeAfter) {
            cancel();
            phase = next;
            long generation = ++entered;
            try {
                // Applies from the next read on; Helidon reads only between these events.
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            } catch (IOException e) {
                // The socket is closed already: nothing left to time out.
            }
            due = closeAfter == null ? null
                    : timer.schedule(() -> expire(generation), closeAfter.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void expire(long generation) {
            if (generation != entered) {
                return;
            }
            connections.remove(socket.getRemoteSocketAddress(), this);
            if (!socket.isClosed()) {
                LOG.debug("Ending the connection from {}: its request trickles in too slowly",
                        socket.getRemoteSocketAddress());
                try {
                    // Not close(): Helidon reports a socket closed under its reader as an internal
                    // error, with a stack trace. The next read (at the client's next byte, or when
                    // this read's own timeout passes) times out at once, which ends it quietly.
                    socket.setSoTimeout(1);
                } catch (IOException e) {
                    // Closed meanwhile.
                }
            }
        }
    }

    /** Helidon's socket options, plus: every accepted connection is watched from its first moment. */
    private final class Watching implements SocketOptions {
        private final SocketOptions defaults;

        Watching(SocketOptions defaults) {
            this.defaults = defaults;
        }

        @Override
        public void configureSocket(Socket socket) {
            defaults.configureSocket(socket);
            accepted(socket);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return defaults.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return defaults.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return defaults.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return defaults.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return defaults.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return defaults.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return defaults.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return defaults.tcpNoDelay();
        }
    }
}
