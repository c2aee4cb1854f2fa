package org.opsbot.bot.slack;

import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection to Slack's Socket Mode endpoint, from the URL one
 * {@code apps.connections.open} handed out until it closes. Never reused: each reconnect is a
 * new link, so a late close of an old one can be told apart from the loss of the current one.
 */
final class SocketLink extends WebSocketClient {

    private static final Logger log = LoggerFactory.getLogger(SocketLink.class);

    // The link pings every 30 s; one that stays silent for 1.5 times that is half-open and is closed.
    private static final int CONNECTION_LOST_SECONDS = 30;

    /** What the link tells its owner; called on the link's own reader thread, so never blocking. */
    interface Listener {
        void message(SocketLink link, String text);

        void closed(SocketLink link, int code, String reason);
    }

    private final Listener listener;
    private final String host;
    private final CountDownLatch hello = new CountDownLatch(1);
    private volatile Instant connectedAt;
    private volatile Instant closedAt;
    private volatile boolean refreshRequested;

    SocketLink(URI url, Duration connectTimeout, Listener listener) {
        super(url, new Draft_6455(), Map.of(), (int) connectTimeout.toMillis());
        this.listener = listener;
        // The URL carries a one-time ticket: only its host is ever logged.
        this.host = url.getHost();
        setConnectionLostTimeout(CONNECTION_LOST_SECONDS);
        setDaemon(true);
    }

    String host() {
        return host;
    }

    /** Slack said {@code hello}: envelopes may follow. */
    void helloReceived(Instant at) {
        connectedAt = at;
        hello.countDown();
    }

    boolean awaitHello(Duration timeout) throws InterruptedException {
        return hello.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this link said hello at least {@code stable} before {@code now} (or before it closed). */
    boolean lasted(Duration stable, Instant now) {
        Instant since = connectedAt;
        Instant until = closedAt == null ? now : closedAt;
        return since != null && !since.plus(stable).isAfter(until);
    }

    void requestRefresh() {
        refreshRequested = true;
    }

    boolean refreshRequested() {
        return refreshRequested;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        log.debug("Socket Mode: WebSocket open to {}", host);
    }

    @Override
    public void onMessage(String message) {
        listener.message(this, message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closedAt = Instant.now();
        listener.closed(this, code, reason);
    }

    @Override
    public void onError(Exception e) {
        // onClose follows every error that ends the link; this only says why.
        log.debug("Socket Mode: error on the link to {}: {}", host, e.toString());
    }
}
