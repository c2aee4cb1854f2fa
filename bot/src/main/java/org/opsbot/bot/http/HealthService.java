package org.opsbot.bot.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live} and {@code /health/ready}. Helidon's own health observer lives under
 * {@code /observe/health} and answers without a body unless details are enabled; these two
 * are what the product promises, as JSON.
 */
final class HealthService implements HttpService {

    private static final Logger log = LoggerFactory.getLogger(HealthService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BooleanSupplier databaseUp;
    private final Supplier<SlackStatus> slackStatus;
    private final Optional<Supplier<SocketStatus>> socketStatus;

    HealthService(BooleanSupplier databaseUp, Supplier<SlackStatus> slackStatus,
                  Optional<Supplier<SocketStatus>> socketStatus) {
        this.databaseUp = databaseUp;
        this.slackStatus = slackStatus;
        this.socketStatus = socketStatus;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/live", this::live).get("/ready", this::ready);
    }

    private void live(ServerRequest req, ServerResponse res) {
        send(res, Status.OK_200, Map.of("status", "UP"));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean database = probe();
        SlackStatus slack = slackStatus.get();
        Map<String, Object> slackCheck = new LinkedHashMap<>();
        slackCheck.put("status", slack.state().name());
        slack.since().ifPresent(since -> slackCheck.put("since", since.toString()));
        slackCheck.put("gating", false);
        if (!slack.cannotPostIn().isEmpty() || !slack.warnings().isEmpty()) {
            // A channel the bot is not in, or a scope it lacks, needs a person, not a restart:
            // said here, never failing readiness.
            List<String> warnings = new ArrayList<>(new TreeMap<>(slack.cannotPostIn()).entrySet().stream()
                    .map(e -> "cannot post to " + e.getKey() + ": " + e.getValue()).toList());
            warnings.addAll(slack.warnings());
            slackCheck.put("warnings", warnings);
        }
        socketStatus.map(Supplier::get).ifPresent(socket -> slackCheck.put("socketMode",
                Map.of("status", socket.state().name(), "since", socket.since().toString())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", database ? "UP" : "DOWN");
        body.put("checks", Map.of(
                "database", Map.of("status", database ? "UP" : "DOWN", "gating", true),
                "slack", slackCheck));
        send(res, database ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private boolean probe() {
        try {
            return databaseUp.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("database probe failed: {}", e.toString());
            return false;
        }
    }

    private static void send(ServerResponse res, Status status, Map<String, Object> body) {
        try {
            res.status(status).header(HeaderValues.CONTENT_TYPE_JSON).send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
