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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code POST /slack/events}: checks the request at the door, then hands the raw body to Bolt's
 * framework-neutral {@link App#run}. In order: a signing secret is configured, the body is
 * small, the signature is Slack's and fresh (else 401 or 413); the body has the shape of a Slack
 * request ({@link SlackEnvelope}) and Bolt can read it (else 400); the signature was not seen
 * before ({@link SeenSignatures}; else 401, a replay). Only then does Bolt run anything. No
 * payload is logged: Slack payloads carry {@code response_url}, a credential.
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
    private final SeenSignatures seen;
    private final Function<Request<?>, Optional<Response>> databaseDown;
    private final MeterRegistry meters;

    /**
     * @param databaseDown the answer to a request that may not run because {@code seen} cannot
     *                     be reached; empty for a 503
     */
    SlackEventsEndpoint(App app, Optional<String> signingSecret, Clock clock, SeenSignatures seen,
                        Function<Request<?>, Optional<Response>> databaseDown, MeterRegistry meters) {
        this.app = app;
        this.parser = new SlackRequestParser(app.config());
        this.verifier = signingSecret.filter(s -> !s.isBlank()).map(s -> new SlackSignatureVerifier(s, clock));
        this.seen = seen;
        this.databaseDown = databaseDown;
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
                // Verified above as bytes; Bolt wants a String and Slack sends UTF-8.
                String body = new String(admission.body(), StandardCharsets.UTF_8);
                Parsed parsed = parse(req, body);
                if (parsed.problem() != null) {
                    status = 400;
                    log.warn("a signed Slack request was refused with 400: {}", parsed.problem());
                    meters.counter(SlackApp.REFUSED_METER, "reason", "malformed").increment();
                    res.status(Status.BAD_REQUEST_400).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                            .send("not a well-formed Slack request: " + parsed.problem() + "\n");
                } else {
                    Request<?> slackRequest = parsed.request();
                    kind = slackRequest.getRequestType().name().toLowerCase(Locale.ROOT);
                    status = letInOnce(slackRequest, admission, kind, res);
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

    /** Either the verified raw body and its signature, or why the request is refused. */
    private record Admission(byte[] body, String signature, Instant signedAt, Status refusal, String reason) {
        static Admission refuse(int code, String reason) {
            return new Admission(null, null, null, Status.create(code), reason);
        }
    }

    /** The request as Bolt reads it, or what is wrong with it. */
    private record Parsed(Request<?> request, String problem) {
    }

    /**
     * Bolt's reading of a verified body, only once it has the shape Bolt assumes. Reading has
     * no effects, so anything it still throws on (a field of the wrong JSON type) is the
     * sender's fault, a 400, not a bug of opsbot's.
     */
    private Parsed parse(ServerRequest req, String body) {
        Optional<String> problem = SlackEnvelope.problem(body);
        if (problem.isPresent()) {
            return new Parsed(null, problem.get());
        }
        Request<?> slackRequest;
        try {
            slackRequest = parser.parse(rawRequest(req, body));
        } catch (RuntimeException e) {
            // Only the exception's class: Gson's and the JDK's messages quote the input.
            return new Parsed(null, "Bolt cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        return slackRequest == null
                ? new Parsed(null, "it is no kind of request Bolt knows")
                : new Parsed(slackRequest, null);
    }

    /**
     * Runs the request in Bolt if its signature is new, else refuses it as a replay; returns the
     * status sent. Recording the signature is the last step before Bolt, so a request refused
     * earlier uses no memory, and it is one insert, so of two deliveries at once one runs.
     */
    private int letInOnce(Request<?> slackRequest, Admission admission, String kind, ServerResponse res) throws Exception {
        boolean first;
        try {
            first = seen.firstDelivery(admission.signature(), admission.signedAt());
        } catch (RuntimeException e) {
            // Unchecked, it must not run. A command or a click is told so, as its handler would
            // tell it of a database outage; anything else is the 503 below, and Slack retries.
            Optional<Response> answer = StoreException.isUnavailable(e) ? databaseDown.apply(slackRequest) : Optional.empty();
            if (answer.isEmpty()) {
                throw e;
            }
            log.warn("a Slack {} request was not run: the database is unavailable, so it could not be checked "
                    + "for a replay", kind);
            int status = answer.get().getStatusCode() == null ? 200 : answer.get().getStatusCode();
            send(res, answer.get(), status);
            return status;
        }
        if (!first) {
            log.warn("a signed Slack {} request was refused with 401: its signature was seen before (a replay)", kind);
            meters.counter(SlackApp.REFUSED_METER, "reason", "replayed").increment();
            res.status(Status.UNAUTHORIZED_401).send();
            return 401;
        }
        Response response = app.run(slackRequest);
        int status = response.getStatusCode() == null ? 200 : response.getStatusCode();
        send(res, response, status);
        return status;
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
            // As verified: the exact signature of this timestamp and body, so one request has one.
            case VALID -> new Admission(body, signature.strip(), Instant.ofEpochSecond(Long.parseLong(timestamp.strip())),
                    null, null);
            case STALE -> Admission.refuse(401, "stale_timestamp");
            case MISSING -> Admission.refuse(401, "unsigned");
            case BAD_SIGNATURE -> Admission.refuse(401, "bad_signature");
        };
    }

    private static SlackRequestParser.HttpRequest rawRequest(ServerRequest req, String body) {
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
                .requestBody(body)
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
