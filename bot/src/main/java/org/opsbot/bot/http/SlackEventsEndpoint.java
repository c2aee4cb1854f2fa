package org.opsbot.bot.http;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.slack.SlackApp;
import org.opsbot.bot.slack.SlackRequestMeters;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code POST /slack/events}: checks the request at the door (a signing secret is configured,
 * the body is small, the signature is Slack's and fresh), then hands the raw body to Bolt's
 * framework-neutral {@link App#run}. Nothing unverified reaches Bolt, and nothing here looks
 * inside a payload; Slack payloads carry {@code response_url}, a credential, so none is logged.
 */
final class SlackEventsEndpoint implements Handler {

    private static final Logger log = LoggerFactory.getLogger(SlackEventsEndpoint.class);

    /** Slack's own payloads are far smaller; anything bigger is not from Slack. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final HeaderName SIGNATURE = HeaderNames.create("X-Slack-Signature");
    private static final HeaderName TIMESTAMP = HeaderNames.create("X-Slack-Request-Timestamp");

    private final App app;
    private final SlackRequestParser parser;
    private final Optional<SlackSignatureVerifier> verifier;
    private final MeterRegistry meters;

    SlackEventsEndpoint(App app, Optional<String> signingSecret, Clock clock, MeterRegistry meters) {
        this.app = app;
        this.parser = new SlackRequestParser(app.config());
        this.verifier = signingSecret.filter(s -> !s.isBlank()).map(s -> new SlackSignatureVerifier(s, clock));
        this.meters = meters;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        String kind = "unknown";
        int status;
        try {
            Admission admission = admit(req);
            if (admission.refusal() != null) {
                status = admission.refusal().code();
                meters.counter(SlackApp.REFUSED_METER, "reason", admission.reason()).increment();
                if (status == 413) {
                    // The rest of the body is not wanted; draining it would mean reading it.
                    res.header(HeaderValues.CONNECTION_CLOSE);
                }
                res.status(admission.refusal()).send();
            } else {
                Request<?> slackRequest = parser.parse(rawRequest(req, admission.body()));
                if (slackRequest == null) {
                    status = 400;
                    res.status(Status.BAD_REQUEST_400).send();
                } else {
                    kind = slackRequest.getRequestType().name().toLowerCase(Locale.ROOT);
                    Response response = app.run(slackRequest);
                    status = response.getStatusCode() == null ? 200 : response.getStatusCode();
                    send(res, response, status);
                }
            }
        } catch (Exception e) {
            if (StoreException.isUnavailable(e)) {
                // E.g. an event's delivery could not be recorded: Slack retries a 5xx later.
                status = 503;
                log.warn("a Slack {} request was refused with 503: the database is unavailable", kind);
                if (!res.isSent()) {
                    StoreErrors.unavailable(res);
                }
            } else {
                status = 500;
                log.error("handling a Slack {} request failed", kind, e);
                if (!res.isSent()) {
                    res.status(Status.INTERNAL_SERVER_ERROR_500).send();
                }
            }
        }
        long elapsed = System.nanoTime() - started;
        SlackRequestMeters.record(meters, kind, status, elapsed);
    }

    /** Either the verified raw body, or why the request is refused. */
    private record Admission(byte[] body, Status refusal, String reason) {
        static Admission refuse(int code, String reason) {
            return new Admission(null, Status.create(code), reason);
        }
    }

    private Admission admit(ServerRequest req) throws IOException {
        if (verifier.isEmpty()) {
            // Dry-run: without a secret nobody can prove to be Slack, so nobody gets in.
            return Admission.refuse(401, "no_signing_secret");
        }
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > MAX_BODY_BYTES) {
            return Admission.refuse(413, "too_large");
        }
        String timestamp = req.headers().first(TIMESTAMP).orElse(null);
        String signature = req.headers().first(SIGNATURE).orElse(null);
        if (timestamp == null || signature == null) {
            return Admission.refuse(401, "unsigned");
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            // Chunked bodies declare no length: read one byte past the limit, never more.
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            return Admission.refuse(413, "too_large");
        }
        return switch (verifier.get().verify(timestamp, signature, body)) {
            case VALID -> new Admission(body, null, null);
            case STALE -> Admission.refuse(401, "stale_timestamp");
            case MISSING -> Admission.refuse(401, "unsigned");
            case BAD_SIGNATURE -> Admission.refuse(401, "bad_signature");
        };
    }

    private static SlackRequestParser.HttpRequest rawRequest(ServerRequest req, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            headers.computeIfAbsent(header.name(), n -> new ArrayList<>()).addAll(header.allValues());
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().all(name));
        }
        String remoteAddress = req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
        return SlackRequestParser.HttpRequest.builder()
                .requestUri(req.path().path())
                .queryString(query)
                .headers(new RequestHeaders(headers))
                // Verified above as bytes; Bolt wants a String and Slack sends UTF-8.
                .requestBody(new String(body, StandardCharsets.UTF_8))
                .remoteAddress(remoteAddress)
                .build();
    }

    private static void send(ServerResponse res, Response response, int status) {
        res.status(Status.create(status));
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, values) -> {
                if (values != null && !values.isEmpty()) {
                    res.header(name, values.toArray(String[]::new));
                }
            });
        }
        if (response.getContentType() != null) {
            res.header(HeaderNames.CONTENT_TYPE, response.getContentType());
        }
        String body = response.getBody();
        res.send(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }
}
