package org.opsbot.bot.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.bolt.App;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.request.SocketModeRequest;
import com.slack.api.bolt.socket_mode.request.SocketModeRequestParser;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.apps.connections.AppsConnectionsOpenResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Slack's Socket Mode (SLACK_APP_TOKEN): the bot dials out to Slack over a WebSocket instead of
 * serving the Request URL, for teams without public ingress. Envelopes go through the same Bolt
 * {@link App} as {@code /slack/events} (same handlers, permission checks and deduplication) and
 * are acknowledged on the link they came from, with the ack's payload when the handler gave one.
 *
 * <p>Bolt's own {@code SocketModeApp} is not used for the connection: it cannot start while Slack
 * is unreachable (its client factory returns null), its session monitor retries every 5 s without
 * back-off, and an {@code ok:false} answer from {@code apps.connections.open} throws out of that
 * monitor's scheduled task, which silently stops reconnecting for good. Here one supervisor
 * thread owns the link: it connects in the background (the bot starts whatever Slack does),
 * reconnects with exponential back-off after a drop, and on Slack's {@code disconnect} envelope
 * opens the new link before closing the old one, so nothing in flight is lost.
 */
public final class SocketMode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketMode.class);

    public enum State { CONNECTING, CONNECTED, RECONNECTING }

    /** For {@code /health/ready}: connected since, or trying (again) since. */
    public record Status(State state, Instant since) {
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    // Slack says hello right after the handshake; a link that stays mute is no use.
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);
    // A link up this long before it dropped earns an immediate reconnect.
    private static final Duration STABLE = Duration.ofSeconds(30);

    private final App app;
    private final String appToken;
    private final Executor handlers;
    private final SocketModeRequestParser parser;
    private final MeterRegistry meters;
    private final Counter reconnects;
    private final Semaphore wake = new Semaphore(0);
    private final Thread supervisor;

    private volatile SocketLink current;
    private volatile Status status;
    private volatile boolean closed;

    private SocketMode(App app, String appToken, Executor handlers, MeterRegistry meters) {
        this.app = app;
        this.appToken = appToken;
        this.handlers = handlers;
        this.parser = new SocketModeRequestParser(app.config());
        this.meters = meters;
        this.status = new Status(State.CONNECTING, Instant.now());
        this.reconnects = Counter.builder("opsbot.slack.socket.connects")
                .description("Socket Mode links opened (the first, and every reconnect or refresh)")
                .register(meters);
        Gauge.builder("opsbot.slack.socket.connected", this, s -> s.status.state() == State.CONNECTED ? 1 : 0)
                .description("1 while a Socket Mode link to Slack is up")
                .register(meters);
        this.supervisor = Thread.ofVirtual().name("opsbot-socket-mode").unstarted(this::supervise);
    }

    /**
     * Starts connecting in the background and returns at once: a Slack outage delays the link,
     * it does not stop the bot from starting (alert webhooks still need it).
     *
     * @param app      the app {@link SlackApp#create} built, shared with {@code /slack/events}
     * @param appToken the app-level token ({@code xapp-…}, scope {@code connections:write})
     * @param handlers where envelopes are handled, so a slow one never holds up the link
     */
    public static SocketMode start(App app, String appToken, Executor handlers, MeterRegistry meters) {
        SocketMode socket = new SocketMode(app, appToken, handlers, meters);
        socket.supervisor.start();
        return socket;
    }

    public Status status() {
        return status;
    }

    // --- the supervisor: the only thread that opens links ---

    private void supervise() {
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        SocketLink lastConnected = null;
        SocketLink credited = null;
        SocketLink refreshing = null;
        String failure = null;
        Duration retryAfter = Duration.ZERO;
        while (!closed) {
            SocketLink live = current;
            if (live != null && !live.refreshRequested()) {
                if (!park()) {
                    return;
                }
                continue;
            }
            SocketLink last = live != null ? live : lastConnected;
            // A link that stayed up a while earns an immediate reconnect; one that keeps
            // dropping at once is retried ever more slowly instead of hammering Slack.
            if (last != null && last != credited && last.lasted(STABLE, Instant.now())) {
                backoff.reset();
                credited = last;
            }
            Duration wait;
            if (live != null && live != refreshing) {
                // Slack asked for a refresh: the old link still works, so try at once.
                refreshing = live;
                wait = Duration.ZERO;
            } else {
                wait = backoff.next();
            }
            if (wait.compareTo(retryAfter) < 0) {
                wait = retryAfter;
            }
            if (failure != null) {
                log.warn("Socket Mode: could not connect to Slack: {}; trying again in {} s{}", failure,
                        Math.round(wait.toMillis() / 1000.0),
                        live != null ? " (the current link stays up meanwhile)" : "");
                failure = null;
            }
            if (!pause(wait)) {
                return;
            }
            retryAfter = Duration.ZERO;
            try {
                SocketLink fresh = connect();
                if (closed) {
                    fresh.close();
                    return;
                }
                current = fresh;
                lastConnected = fresh;
                if (status.state() != State.CONNECTED) {
                    // A refresh keeps "connected since": nothing was unreachable meanwhile.
                    status = new Status(State.CONNECTED, Instant.now());
                }
                log.info("Socket Mode: connected to Slack ({})", fresh.host());
                if (!fresh.isOpen()) {
                    // Closed between hello and becoming current: lost() ignored it then.
                    lost(fresh, -1, "closed at once");
                }
                if (live != null) {
                    // Only now that the new link said hello; acks still due on the old one go on this one.
                    live.close();
                }
            } catch (LinkFailure e) {
                retryAfter = e.retryAfter;
                failure = e.getMessage();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@code apps.connections.open}, then the WebSocket, then Slack's {@code hello}. */
    private SocketLink connect() throws LinkFailure, InterruptedException {
        URI url = URI.create(openUrl());
        reconnects.increment();
        SocketLink link = new SocketLink(url, CONNECT_TIMEOUT, new SocketLink.Listener() {
            @Override
            public void message(SocketLink link, String text) {
                received(link, text);
            }

            @Override
            public void closed(SocketLink link, int code, String reason) {
                lost(link, code, reason);
            }
        });
        boolean ready = false;
        try {
            if (!link.connectBlocking(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LinkFailure("no WebSocket connection to " + link.host(), Duration.ZERO);
            }
            if (!link.awaitHello(HELLO_TIMEOUT)) {
                throw new LinkFailure("no hello from " + link.host() + " within " + HELLO_TIMEOUT.toSeconds() + " s",
                        Duration.ZERO);
            }
            ready = true;
            return link;
        } finally {
            if (!ready) {
                link.close();
            }
        }
    }

    private String openUrl() throws LinkFailure {
        try {
            AppsConnectionsOpenResponse response = app.slack().methods(appToken).appsConnectionsOpen(r -> r);
            if (!response.isOk() || response.getUrl() == null) {
                // invalid_auth, not_allowed_token_type (a bot token), …: the operator must act.
                throw new LinkFailure("apps.connections.open answered " + response.getError()
                        + " (is SLACK_APP_TOKEN an app-level token with connections:write?)", Duration.ZERO);
            }
            return response.getUrl();
        } catch (SlackApiException e) {
            String retryAfter = e.getResponse().header("Retry-After");
            Duration wait = Duration.ZERO;
            if (retryAfter != null && retryAfter.strip().matches("\\d{1,5}")) {
                wait = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
            }
            throw new LinkFailure("apps.connections.open answered HTTP " + e.getResponse().code(), wait);
        } catch (IOException e) {
            throw new LinkFailure("Slack's Web API is unreachable (" + e.getMessage() + ")", Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new LinkFailure("apps.connections.open gave an unusable URL", Duration.ZERO);
        }
    }

    /** Waits for a signal (a lost link, a refresh request, close); false when closing. */
    private boolean park() {
        try {
            wake.acquire();
            wake.drainPermits();
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Sleeps {@code wait}, cut short by close; false when closing. */
    private boolean pause(Duration wait) {
        if (wait.isZero()) {
            return !closed;
        }
        try {
            // A signal during the pause (another loss) must not shorten the back-off.
            Thread.sleep(wait);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    // --- what links report, on their reader threads ---

    private void received(SocketLink link, String text) {
        long receivedAt = System.nanoTime();
        JsonObject message;
        try {
            JsonElement parsed = JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                return;
            }
            message = parsed.getAsJsonObject();
        } catch (RuntimeException e) {
            log.warn("Socket Mode: a message that is not JSON was ignored");
            return;
        }
        String type = text(message, "type");
        switch (type) {
            case "hello" -> link.helloReceived(Instant.now());
            case "disconnect" -> disconnectRequested(link, message);
            case "events_api", "interactive", "slash_commands" -> dispatch(link, text, receivedAt);
            default -> log.debug("Socket Mode: ignored a {} message", type.isEmpty() ? "typeless" : type);
        }
    }

    private static String text(JsonObject message, String field) {
        JsonElement value = message.get(field);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : "";
    }

    private void disconnectRequested(SocketLink link, JsonObject message) {
        String reason = text(message, "reason").isEmpty() ? "no reason given" : text(message, "reason");
        if ("warning".equals(reason)) {
            // Slack announces a refresh a few seconds ahead; refresh_requested follows.
            log.debug("Socket Mode: Slack will refresh the link to {} soon", link.host());
            return;
        }
        if ("link_disabled".equals(reason)) {
            log.error("Socket Mode: Slack disabled the link: Socket Mode is turned off in the Slack app's settings"
                    + " (Settings → Socket Mode); opsbot keeps trying to connect");
        } else {
            log.info("Socket Mode: Slack asked to reconnect ({}); opening a new link first", reason);
        }
        link.requestRefresh();
        wake.release();
    }

    private synchronized void lost(SocketLink link, int code, String reason) {
        if (link != current) {
            // An old link closing after its replacement is up, or one that never got going.
            return;
        }
        current = null;
        if (!closed) {
            if (status.state() == State.CONNECTED) {
                status = new Status(State.RECONNECTING, Instant.now());
            }
            log.warn("Socket Mode: the link to Slack closed (code {}{}); reconnecting", code,
                    reason == null || reason.isBlank() ? "" : ", " + reason);
        }
        wake.release();
    }

    // --- envelopes: the same Bolt app as /slack/events ---

    private void dispatch(SocketLink link, String text, long receivedAt) {
        try {
            handlers.execute(() -> handle(link, text, receivedAt));
        } catch (RejectedExecutionException e) {
            // Stopping: not acked, so Slack delivers it again (events) or the user sees it fail.
            log.debug("Socket Mode: an envelope arrived while stopping; not handled");
        }
    }

    private void handle(SocketLink link, String text, long receivedAt) {
        String kind = "unknown";
        int status;
        try {
            SocketModeRequest request = parser.parse(text);
            if (request == null || request.getBoltRequest() == null) {
                status = 400;
            } else {
                kind = request.getBoltRequest().getRequestType().name().toLowerCase(Locale.ROOT);
                Response response = app.run(request.getBoltRequest());
                status = response.getStatusCode() == null ? 200 : response.getStatusCode();
                if (status == 200) {
                    // Slack says which envelopes take an answer in the ack (slash commands, modal
                    // submissions); for the rest a payload would be ignored at best.
                    boolean withPayload = !Boolean.FALSE.equals(request.getEnvelope().getAcceptsResponsePayload());
                    acknowledge(link, request.getEnvelope().getEnvelopeId(), withPayload ? response.getBody() : null,
                            response.getContentType());
                } else {
                    // As over HTTP, where Slack gets this status: no ack, so Slack shows or retries it.
                    log.info("Socket Mode: a {} envelope was not acknowledged (status {})", kind, status);
                }
            }
        } catch (Exception e) {
            status = 500;
            log.error("Socket Mode: handling a {} envelope failed", kind, e);
        }
        SlackRequestMeters.record(meters, kind, status, System.nanoTime() - receivedAt);
    }

    /** {@code {"envelope_id":…}}, with Bolt's response as the payload when it has a body. */
    private void acknowledge(SocketLink link, String envelopeId, String body, String contentType) {
        JsonObject ack = new JsonObject();
        ack.addProperty("envelope_id", envelopeId);
        if (body != null && !body.isEmpty()) {
            if (Optional.ofNullable(contentType).orElse("").startsWith("application/json")) {
                ack.add("payload", JsonParser.parseString(body));
            } else {
                JsonObject payload = new JsonObject();
                payload.addProperty("text", body);
                ack.add("payload", payload);
            }
        }
        // If the link dropped while the handler ran, the ack goes on its replacement.
        SocketLink target = link.isOpen() ? link : current;
        if (target == null || !target.isOpen()) {
            log.warn("Socket Mode: no open link to acknowledge an envelope on; Slack will treat it as unanswered");
            return;
        }
        target.send(ack.toString());
    }

    @Override
    public void close() {
        closed = true;
        supervisor.interrupt();
        try {
            supervisor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SocketLink link = current;
        current = null;
        if (link != null) {
            link.close();
        }
    }

    /** Why a connection attempt failed, and how long Slack asked us to wait (HTTP 429). */
    private static final class LinkFailure extends Exception {
        private final Duration retryAfter;

        LinkFailure(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }
    }

    /**
     * The failures in a row of connecting: 0, then firstRetry doubling up to maxRetry, each with
     * up to 20 % jitter so replicas spread out (the waits are the one backoff policy's).
     */
    static final class Backoff {
        private final org.opsbot.bot.background.Backoff policy;
        private int failures;

        Backoff(Duration first, Duration max) {
            this.policy = new org.opsbot.bot.background.Backoff(first, max, 0.2);
        }

        Duration next() {
            int n = failures++;
            return n == 0 ? Duration.ZERO : policy.delay(n);
        }

        void reset() {
            failures = 0;
        }
    }
}
