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
 *   <li>a new connection must deliver its first request's line and headers within
 *       {@link HttpLimits#headerTimeout()}, and a kept-alive connection its next request's headers
 *       within that time from the request line;</li>
 *   <li>while a request's body is read, each read may wait at most {@link HttpLimits#bodyTimeout()}
 *       (a socket read timeout: a handler that takes long to answer is not cut off);</li>
 *   <li>after an answer, the next request must begin within {@link HttpLimits#idleTimeout()}.</li>
 * </ul>
 *
 * Helidon tells it when a connection was accepted (through {@link #socketOptions()}, whose
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

    /** One connection: which phase it is in, and the close that is due if it stays there too long. */
    private final class Watched {
        private final Socket socket;
        private Phase phase;
        private ScheduledFuture<?> due;

        Watched(Socket socket) {
            this.socket = socket;
        }

        synchronized void start() {
            enter(Phase.HEADERS, limits.headerTimeout());
        }

        /** The request line has arrived; after an idle wait, the headers' time starts now. */
        synchronized void requestBegan() {
            if (phase == Phase.IDLE) {
                enter(Phase.HEADERS, limits.headerTimeout());
            }
        }

        synchronized void headersRead() {
            enter(Phase.BODY, null);
            readTimeout(limits.bodyTimeout());
        }

        synchronized void answered() {
            // The idle wait for the next request has no read timeout: its deadline closes it.
            readTimeout(Duration.ZERO);
            enter(Phase.IDLE, limits.idleTimeout());
        }

        synchronized void cancel() {
            if (due != null) {
                due.cancel(false);
            }
        }

        private void enter(Phase next, Duration closeAfter) {
            cancel();
            phase = next;
            due = closeAfter == null ? null
                    : timer.schedule(() -> expire(next), closeAfter.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire(Phase expected) {
            synchronized (this) {
                if (phase != expected) {
                    return;
                }
            }
            connections.remove(socket.getRemoteSocketAddress(), this);
            if (socket.isClosed()) {
                return;
            }
            LOG.debug("Closing the connection from {}: {}", socket.getRemoteSocketAddress(), expected == Phase.IDLE
                    ? "idle for " + limits.idleTimeout().toSeconds() + " s"
                    : "no complete request headers within " + limits.headerTimeout().toSeconds() + " s");
            try {
                // Helidon's reader then fails, ends the connection and frees its slot.
                socket.close();
            } catch (IOException e) {
                LOG.debug("Closing a slow connection failed: {}", e.toString());
            }
        }

        private void readTimeout(Duration timeout) {
            try {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } catch (IOException e) {
                // The socket is closed already: nothing left to time out.
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
