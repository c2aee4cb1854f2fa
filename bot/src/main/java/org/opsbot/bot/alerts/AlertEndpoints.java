package org.opsbot.bot.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.opsbot.bot.http.StoreErrors;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.alert.Rejection;
import org.opsbot.commands.alert.WebhookParser;
import org.opsbot.commands.alert.WebhookSource;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /alerts/<source>} for each {@link WebhookSource} ({@code alertmanager},
 * {@code grafana}, {@code generic}; see {@link AlertSources}). A bearer token first (compared in constant time); then the alerts are stored in one
 * transaction before the answer, and what changed is handed to the outbox. Bad alerts (the
 * parser checks every field first) are skipped, named in the answer, logged and counted by
 * reason; only a body that is not a JSON webhook at all is refused, because Alertmanager never
 * retries a 4xx and would drop the good alerts with the bad, and retries a 5xx for ever. A
 * database that cannot take the alerts right now is a 503 with {@code Retry-After}.
 */
public final class AlertEndpoints {
    private static final Logger log = LoggerFactory.getLogger(AlertEndpoints.class);
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** The rejections an answer lists; its {@code rejected} count has them all. */
    static final int MAX_LISTED = 20;
    /** The {@code reason} of a whole webhook refused with 400. */
    static final String BAD_BODY = "bad-body";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<byte[]> tokens;
    private final Alerts alerts;
    private final AlertPublisher publisher;
    private final MeterRegistry meters;

    AlertEndpoints(List<String> tokens, Alerts alerts, AlertPublisher publisher, MeterRegistry meters) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        this.alerts = alerts;
        this.publisher = publisher;
        this.meters = meters;
    }

    public void register(HttpRouting.Builder routing) {
        for (WebhookSource source : AlertSources.webhooks()) {
            routing.post(source.path(), (req, res) -> handle(source, req, res));
        }
    }

    private void handle(WebhookSource source, ServerRequest req, ServerResponse res) throws Exception {
        String tag = source.key();
        if (tokens.isEmpty()) {
            answer(res, Status.UNAUTHORIZED_401, tag, Map.of("error", "alert webhooks are off: set OPSBOT_WEBHOOK_TOKEN "
                    + "and send it as Authorization: Bearer <token>"));
            return;
        }
        if (!authorised(req.headers().first(HeaderNames.AUTHORIZATION).orElse(""))) {
            answer(res, Status.UNAUTHORIZED_401, tag, Map.of("error", "missing or wrong bearer token"));
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            res.header(HeaderValues.CONNECTION_CLOSE);
            answer(res, Status.REQUEST_ENTITY_TOO_LARGE_413, tag, Map.of("error", "alert webhooks are limited to 10 MiB"));
            return;
        }
        Notification notification;
        try {
            notification = source.parse(body);
        } catch (WebhookParser.BadBodyException e) {
            rejected(tag, BAD_BODY).increment();
            answer(res, Status.BAD_REQUEST_400, tag, Map.of("error", e.getMessage()));
            return;
        }
        Timer.Sample stored = Timer.start(meters);
        Alerts.Intake intake;
        try {
            intake = alerts.receive(notification);
        } catch (StoreException e) {
            if (!e.unavailable()) {
                throw e; // a bug: StoreErrors answers 500
            }
            // Nothing was stored (one transaction); a 503 makes Alertmanager send it again.
            log.warn("{} webhook refused with 503: {}", tag, e.getMessage());
            meters.counter("opsbot.alerts.webhooks", "source", tag, "status", "503").increment();
            StoreErrors.unavailable(res);
            return;
        }
        stored.stop(meters.timer("opsbot.alerts.intake", "source", tag));
        List<Rejection> rejected = intake.rejected();
        if (!rejected.isEmpty()) {
            rejected.forEach(r -> rejected(tag, r.reason().tag()).increment());
            log.warn("{} webhook: {} alert(s) skipped: {}", tag, rejected.size(),
                    String.join("; ", rejected.stream().limit(5).map(Rejection::describe).toList()));
        }
        meters.counter("opsbot.alerts.received", "source", tag).increment(intake.alerts());
        meters.counter("opsbot.alerts.repeated", "source", tag).increment(intake.repeats());
        for (GroupChange change : intake.changes()) {
            try {
                publisher.publish(change);
            } catch (RuntimeException e) {
                // Stored already; the answer must still be 2xx or the source would resend what we keep.
                log.error("alert group {} was stored but could not be handed to the outbox", change.group().id(), e);
            }
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("accepted", intake.alerts());
        reply.put("repeated", intake.repeats());
        reply.put("rejected", rejected.size());
        reply.put("problems", rejected.stream().limit(MAX_LISTED).map(AlertEndpoints::problem).toList());
        answer(res, Status.OK_200, tag, reply);
    }

    private Counter rejected(String tag, String reason) {
        return meters.counter("opsbot.alerts.rejected", "source", tag, "reason", reason);
    }

    /** One skipped alert as the answer names it: where it is, who it is, why, and what would do. */
    private static Map<String, Object> problem(Rejection r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("index", r.index());
        r.fingerprint().ifPresent(f -> p.put("fingerprint", f));
        r.alertname().ifPresent(a -> p.put("alertname", a));
        p.put("reason", r.reason().tag());
        p.put("problem", r.problem());
        return p;
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

    private void answer(ServerResponse res, Status status, String tag, Map<String, ?> body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer of strings and numbers is always JSON", e);
        }
        meters.counter("opsbot.alerts.webhooks", "source", tag, "status", Integer.toString(status.code())).increment();
        res.status(status).header(HeaderValues.CONTENT_TYPE_JSON).send(json);
    }
}
