package org.opsbot.commands.check;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code prometheus}: an instant query against {@code /api/v1/query}. */
public final class PrometheusKind implements CheckKind<PrometheusKind.Prometheus> {

    /** A Prometheus instant query; several series are judged one by one and the worst counts. */
    public record Prometheus(String url, String query, Map<String, String> headers, Status noData) implements Probe {
        public Prometheus {
            headers = Map.copyOf(headers);
        }

        @Override
        public String describe() {
            return query + " at " + SecretMasker.of().mask(url);
        }
    }

    @Override
    public String key() {
        return "prometheus";
    }

    @Override
    public List<String> settings() {
        return List.of("url", "query", "headers", "no-data");
    }

    @Override
    public Class<Prometheus> probeType() {
        return Prometheus.class;
    }

    @Override
    public Optional<Prometheus> parse(KindSettings f) {
        Optional<String> url = f.url("url");
        Optional<String> query = f.string("query", true);
        Map<String, String> headers = f.map("headers");
        Status noData = Status.ERROR;
        Optional<String> nd = f.string("no-data", false);
        if (nd.isPresent()) {
            try {
                noData = Status.valueOf(nd.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                f.problem(f.line("no-data"), "no-data must be ok, warn, crit or error, not \"" + nd.get() + "\"",
                        "say what an empty answer means: ok for alert-style queries (\"> 0\" returns nothing when fine)");
            }
        }
        if (url.isEmpty() || query.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Prometheus(url.get(), query.get(), headers, noData));
    }

    @Override
    public Measurement measure(Prometheus probe, ProbeContext context) throws ProbeException, IOException {
        Duration timeout = context.timeout();
        HttpUrl base = HttpUrl.parse(probe.url());
        if (base == null) {
            throw new ProbeException("not an http(s) URL: " + probe.url());
        }
        HttpUrl.Builder url = base.newBuilder();
        // Keep a path prefix (a Prometheus behind /prometheus/), drop a trailing slash.
        List<String> segments = base.pathSegments();
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            url.removePathSegment(segments.size() - 1);
        }
        url.addPathSegments("api/v1/query")
                .addQueryParameter("query", probe.query())
                // Prometheus gives up on its own side too, instead of computing for nobody.
                .addQueryParameter("timeout", Math.max(1, timeout.toSeconds()) + "s");
        Request.Builder request = new Request.Builder().url(url.build()).get();
        probe.headers().forEach(request::header);

        HttpKind.Fetched fetched = HttpKind.fetch(context.http(), request.build(), timeout, context.cancellation());
        JsonNode root;
        try {
            root = HttpKind.parseJson(fetched.body());
        } catch (ProbeException e) {
            throw new ProbeException("Prometheus answered HTTP " + fetched.code() + " and " + e.getMessage()
                    + "; is " + probe.url() + " a Prometheus server?");
        }
        if (!"success".equals(root.path("status").asText())) {
            throw new ProbeException("Prometheus refused the query (HTTP " + fetched.code() + "): "
                    + root.path("errorType").asText("error") + ": " + root.path("error").asText("no reason given"));
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asText();
        List<Measurement.Sample> samples = new ArrayList<>();
        switch (type) {
            case "vector" -> {
                for (JsonNode series : data.path("result")) {
                    samples.add(new Measurement.Sample(labels(series.path("metric")), value(series.path("value")), ""));
                }
            }
            case "scalar" -> samples.add(new Measurement.Sample("scalar", value(data.path("result")), ""));
            case "matrix" -> throw new ProbeException("the query returned a range vector; use an instant query (no [5m] at the end)");
            default -> throw new ProbeException("Prometheus returned an unexpected result type \"" + type + "\"");
        }
        if (samples.isEmpty()) {
            String message = "the query returned no series";
            if (probe.noData() == Status.ERROR) {
                throw new ProbeException(message);
            }
            return new Measurement(probe.noData(), "no data", List.of(), message);
        }
        String observed = samples.size() == 1
                ? samples.get(0).shown()
                : samples.size() + " series";
        String message = samples.size() == 1
                ? "value " + samples.get(0).shown()
                : samples.size() + " series, max " + Numbers.format(samples.stream().mapToDouble(Measurement.Sample::value).max().orElse(0));
        return Measurement.ok(observed, message, samples);
    }

    private static double value(JsonNode pair) throws ProbeException {
        if (!pair.isArray() || pair.size() != 2) {
            throw new ProbeException("Prometheus returned a sample without a value");
        }
        String v = pair.get(1).asText();
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new ProbeException("Prometheus returned a sample value \"" + v + "\" that is not a number");
                }
            }
        };
    }

    private static String labels(JsonNode metric) {
        StringBuilder s = new StringBuilder();
        String name = metric.path("__name__").asText("");
        s.append(name).append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : metric.properties()) {
            if (e.getKey().equals("__name__")) {
                continue;
            }
            if (!first) {
                s.append(", ");
            }
            s.append(e.getKey()).append("=\"").append(e.getValue().asText()).append('"');
            first = false;
        }
        return s.append('}').toString();
    }
}
