package org.opsbot.bot.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A local stand-in for Slack's Socket Mode endpoint ({@code wss://wss-primary.slack.com/link/…}),
 * speaking its protocol: {@code hello} on connect, envelopes with an {@code envelope_id} that the
 * app must ack on the socket, {@code disconnect} to ask for a refresh. It can also drop a link
 * without a close handshake, as a load balancer or a network failure does.
 */
public final class SlackSocketStandIn extends WebSocketServer implements AutoCloseable {

    /** A link as the stand-in saw it: the path the app connected to, and whether it is still open. */
    public record Link(WebSocket socket, String path) {
        public boolean open() {
            return socket.isOpen();
        }
    }

    /** An ack the app sent: the whole message, which link it came on, and when it arrived. */
    public record Ack(JsonObject message, int link, long arrivedNanos) {
        public boolean hasPayload() {
            return message.has("payload");
        }

        public String payload() {
            return message.get("payload").toString();
        }
    }

    private final CountDownLatch started = new CountDownLatch(1);
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Ack>> acks = new ConcurrentHashMap<>();

    private SlackSocketStandIn() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
    }

    public static SlackSocketStandIn start(Duration timeout) throws InterruptedException {
        SlackSocketStandIn standIn = new SlackSocketStandIn();
        standIn.start();
        if (!standIn.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the Socket Mode stand-in did not start");
        }
        return standIn;
    }

    /** What {@code apps.connections.open} hands out, shaped like Slack's. */
    public String url() {
        return "ws://127.0.0.1:" + getPort() + "/link/?ticket=" + UUID.randomUUID() + "&app_id=A123456";
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    public long openLinks() {
        return links.stream().filter(Link::open).count();
    }

    private Link latestOpen() {
        List<Link> all = new ArrayList<>(links);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).open()) {
                return all.get(i);
            }
        }
        throw new IllegalStateException("no open Socket Mode link");
    }

    /** Sends an envelope on the newest open link; returns its envelope id. */
    public String deliver(String type, JsonObject payload, boolean acceptsResponsePayload) {
        return deliver(type, payload, acceptsResponsePayload, 0);
    }

    public String deliver(String type, JsonObject payload, boolean acceptsResponsePayload, int retryAttempt) {
        String envelopeId = UUID.randomUUID().toString();
        JsonObject envelope = new JsonObject();
        envelope.addProperty("envelope_id", envelopeId);
        envelope.add("payload", payload);
        envelope.addProperty("type", type);
        envelope.addProperty("accepts_response_payload", acceptsResponsePayload);
        if ("events_api".equals(type)) {
            envelope.addProperty("retry_attempt", retryAttempt);
            envelope.addProperty("retry_reason", retryAttempt == 0 ? "" : "timeout");
        }
        acks.computeIfAbsent(envelopeId, id -> new CompletableFuture<>());
        latestOpen().socket().send(envelope.toString());
        return envelopeId;
    }

    public Ack awaitAck(String envelopeId, Duration timeout) {
        try {
            return acks.computeIfAbsent(envelopeId, id -> new CompletableFuture<>())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no ack for envelope " + envelopeId + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Ends the newest link without a close handshake, as a network failure would. */
    public void dropLatest() {
        latestOpen().socket().closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by the stand-in");
    }

    /** Slack's way to retire a link: the app should connect anew, then let this one go. */
    public void askToRefreshLatest() {
        latestOpen().socket().send("""
                {"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"applink-standin"}}""");
    }

    /** A slash command's form fields (as {@link SlackPayloads} builds them), as the JSON Socket Mode sends. */
    public static JsonObject slashCommand(String form) {
        JsonObject payload = new JsonObject();
        for (String field : form.split("&")) {
            String[] pair = field.split("=", 2);
            payload.addProperty(URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                    pair.length == 2 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "");
        }
        return payload;
    }

    /** An interaction ({@code payload=…}, as {@link SlackPayloads} builds it), as the JSON Socket Mode sends. */
    public static JsonObject interaction(String form) {
        if (!form.startsWith("payload=")) {
            throw new IllegalArgumentException("not an interaction payload");
        }
        return JsonParser.parseString(URLDecoder.decode(form.substring("payload=".length()), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    public static JsonObject event(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket socket, ClientHandshake handshake) {
        links.add(new Link(socket, handshake.getResourceDescriptor()));
        socket.send("""
                {"type":"hello","num_connections":%d,"debug_info":{"host":"applink-standin","build_number":1,\
                "approximate_connection_time":18060},"connection_info":{"app_id":"A123456"}}"""
                .formatted(openLinks()));
    }

    @Override
    public void onMessage(WebSocket socket, String message) {
        JsonObject json = JsonParser.parseString(message).getAsJsonObject();
        if (!json.has("envelope_id")) {
            return;
        }
        int link = -1;
        for (int i = 0; i < links.size(); i++) {
            if (links.get(i).socket() == socket) {
                link = i;
            }
        }
        Ack ack = new Ack(json, link, System.nanoTime());
        acks.computeIfAbsent(json.get("envelope_id").getAsString(), id -> new CompletableFuture<>()).complete(ack);
    }

    @Override
    public void onClose(WebSocket socket, int code, String reason, boolean remote) {
        // Links remember their sockets; isOpen() tells the rest.
    }

    @Override
    public void onError(WebSocket socket, Exception e) {
        // A dropped link errors on both ends; the test looks at links and acks instead.
    }

    @Override
    public void close() {
        try {
            stop(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
