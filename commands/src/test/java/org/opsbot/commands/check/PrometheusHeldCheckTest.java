package org.opsbot.commands.check;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code for:} on a prometheus check against a loopback stand-in that answers
 * {@code /api/v1/query_range} as Prometheus does: a matrix with a point at start + k × step, from
 * the series the test describes per step (null where the series is absent).
 */
class PrometheusHeldCheckTest {
    private HttpServer server;
    private final List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
    private volatile Map<String, IntFunction<String>> series = Map.of();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/query_range", exchange -> {
            Map<String, String> q = new LinkedHashMap<>();
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            asked.add(q);
            double start = Double.parseDouble(q.get("start"));
            double end = Double.parseDouble(q.get("end"));
            long step = Long.parseLong(q.get("step").replace("s", ""));
            StringBuilder result = new StringBuilder();
            for (Map.Entry<String, IntFunction<String>> s : series.entrySet()) {
                StringBuilder values = new StringBuilder();
                long points = Math.round(Math.floor((end - start) / step + 1e-9)) + 1;
                for (int k = 0; k < points; k++) {
                    String v = s.getValue().apply(k);
                    if (v != null) {
                        values.append(values.isEmpty() ? "" : ",").append("[").append(String.format(Locale.ROOT, "%.3f", start + k * step)).append(",\"").append(v).append("\"]");
                    }
                }
                if (!values.isEmpty()) {
                    result.append(result.isEmpty() ? "" : ",")
                            .append("{\"metric\":{\"connector\":\"").append(s.getKey()).append("\"},\"values\":[").append(values).append("]}");
                }
            }
            byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + result + "]}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private CheckResult connectorDown(String warn, String crit) {
        Check check = new Check("Connector down for 5 minutes", new PrometheusKind.Prometheus(
                "http://127.0.0.1:" + server.getAddress().getPort(), "connector_state", Map.of(), Status.ERROR)
                .holdingFor(Duration.ofMinutes(5)));
        check = warn == null ? check : check.withWarn(warn);
        return Checks.run(crit == null ? check : check.withCrit(crit));
    }

    @Test
    void aConditionThatHeldAtEverySampleOfTheDurationIsCrossed() {
        series = Map.of("source", k -> "0");

        CheckResult r = connectorDown(null, "< 1");

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.message()).isEqualTo("0 (5 min: min 0, max 0) (crit < 1)");
        assertThat(asked).singleElement().satisfies(q -> {
            assertThat(q.get("query")).isEqualTo("connector_state");
            assertThat(Double.parseDouble(q.get("end")) - Double.parseDouble(q.get("start"))).isCloseTo(300, within(0.001));
            assertThat(q.get("step")).isEqualTo("30s");
        });
    }

    @Test
    void aConditionThatOnlyHoldsNowIsNotCrossedYet() {
        series = Map.of("source", k -> k < 6 ? "1" : "0");

        CheckResult r = connectorDown(null, "< 1");

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.message()).isEqualTo("value 0 (5 min: min 0, max 1)");
        assertThat(r.value()).contains(0.0);
    }

    @Test
    void aSeriesAbsentForPartOfTheDurationHasNotHeldForAllOfIt() {
        series = Map.of("source", k -> k < 3 ? null : "0");

        CheckResult r = connectorDown(null, "< 1");

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.message()).isEqualTo("value 0 (5 min: min 0, max 0, 3 of 11 samples missing)");
    }

    @Test
    void eachSeriesAndEachThresholdIsJudgedOnItsOwn() {
        series = new LinkedHashMap<>(Map.of(
                "sink", k -> k < 10 ? "1" : "0",
                "source", k -> k % 2 == 0 ? "0" : "0.5"));

        CheckResult onlyWarnHeld = connectorDown("< 1", "< 0.5");
        CheckResult critHeld = connectorDown("< 1", "< 0.6");

        assertThat(onlyWarnHeld.status()).isEqualTo(Status.WARN);
        assertThat(onlyWarnHeld.message()).isEqualTo("{connector=\"source\"} is 0 (5 min: min 0, max 0.5) (warn < 1)");
        assertThat(critHeld.status()).isEqualTo(Status.CRIT);
        assertThat(critHeld.message()).startsWith("{connector=\"source\"} is 0");
    }
}
