package org.opsbot.bot.heartbeats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.opsbot.bot.http.StoreErrors;
import org.opsbot.commands.heartbeat.Heartbeats;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /heartbeats/<name>}: a check-in. Any body (a cron job's empty {@code curl}, an
 * Alertmanager Watchdog notification) is read and ignored. Its own bearer tokens, compared in
 * constant time and checked before the name, so that without one nothing, not even which
 * heartbeats exist, can be learned; a check-in can only say "alive", so these tokens cannot send
 * alerts. An unknown name is a 404 that says which names exist.
 */
final class HeartbeatEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatEndpoint.class);
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<byte[]> tokens;
    private final Heartbeats heartbeats;
    private final Consumer<Heartbeats.Change> send;

    HeartbeatEndpoint(List<String> tokens, Heartbeats heartbeats, Consumer<Heartbeats.Change> send) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        this.heartbeats = heartbeats;
        this.send = send;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/heartbeats/{name}", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) throws Exception {
        if (tokens.isEmpty()) {
            answer(res, Status.UNAUTHORIZED_401, Map.of("error", "heartbeats are off: set OPSBOT_HEARTBEAT_TOKEN "
                    + "and send it as Authorization: Bearer <token>"));
            return;
        }
        if (!authorised(req.headers().first(HeaderNames.AUTHORIZATION).orElse(""))) {
            answer(res, Status.UNAUTHORIZED_401, Map.of("error", "missing or wrong bearer token "
                    + "(heartbeats take OPSBOT_HEARTBEAT_TOKEN, not the alert webhook token)"));
            return;
        }
        try (InputStream in = req.content().inputStream()) {
            if (in.readNBytes(MAX_BODY_BYTES + 1).length > MAX_BODY_BYTES) {
                res.header(HeaderValues.CONNECTION_CLOSE);
                answer(res, Status.REQUEST_ENTITY_TOO_LARGE_413, Map.of("error", "a check-in is limited to 1 MiB"));
                return;
            }
        }
        String name = req.path().pathParameters().get("name");
        Optional<Optional<Heartbeats.Change>> beat;
        try {
            beat = heartbeats.beat(name);
        } catch (StoreException e) {
            if (!e.unavailable()) {
                throw e;
            }
            LOG.warn("check-in of heartbeat {} refused with 503: {}", name, e.getMessage());
            StoreErrors.unavailable(res);
            return;
        }
        if (beat.isEmpty()) {
            List<String> known = heartbeats.statuses().stream().map(s -> s.heartbeat().name()).toList();
            answer(res, Status.NOT_FOUND_404, Map.of("error", "there is no heartbeat named '" + printable(name) + "'; "
                    + (known.isEmpty() ? "opsbot.yaml defines none (add it under heartbeats:)"
                    : "opsbot.yaml defines " + String.join(", ", known))));
            return;
        }
        beat.get().ifPresent(resolution -> {
            try {
                send.accept(resolution);
            } catch (RuntimeException e) {
                // The check-in is stored: the heartbeats job resolves the alert on its next round.
                LOG.warn("heartbeat {} checked in, but its alert could not be resolved yet: {}", name, e.toString());
            }
        });
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("heartbeat", name);
        reply.put("checked_in", true);
        answer(res, Status.OK_200, reply);
    }

    private static String printable(String name) {
        String cut = name.length() > 80 ? name.substring(0, 80) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private boolean authorised(String header) {
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : tokens) {
            ok |= MessageDigest.isEqual(token, given); // no early exit: every token is compared
        }
        return ok;
    }

    private static void answer(ServerResponse res, Status status, Map<String, ?> body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer of strings is always JSON", e);
        }
        res.status(status).header(HeaderValues.CONTENT_TYPE_JSON).send(json);
    }
}
