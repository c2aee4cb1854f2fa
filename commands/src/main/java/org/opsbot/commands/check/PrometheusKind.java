package org.opsbot.commands.check;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code prometheus}: an instant query against {@code /api/v1/query}, or, with {@code for}, a range
 * query against {@code /api/v1/query_range} over that duration, so that a threshold is crossed only
 * when it was crossed all along, as an alert rule with {@code for:} fires only then.
 */
public final class PrometheusKind implements CheckKind<PrometheusKind.Prometheus> {

    /** The most points a range query asks for per series (Prometheus refuses more than 11,000). */
    static final long MAX_POINTS = 1000;

    /**
     * A Prometheus query; several series are judged one by one and the worst counts.
     *
     * @param holdFor when set, the condition must have held for this long ({@code for: 5m})
     * @param step    the resolution of that range query: one sample per step
     */
    public record Prometheus(String url, String query, Map<String, String> headers, Status noData,
                             Optional<Duration> holdFor, Duration step) implements Probe {
        public Prometheus {
            headers = Map.copyOf(headers);
        }

        public Prometheus(String url, String query, Map<String, String> headers, Status noData) {
            this(url, query, headers, noData, Optional.empty(), Duration.ZERO);
        }

        /** Held for {@code holdFor}, sampled every {@code holdFor / 10} (at least every second). */
        public Prometheus holdingFor(Duration holdFor) {
            return new Prometheus(url, query, headers, noData, Optional.of(holdFor), defaultStep(holdFor));
        }

        @Override
        public String describe() {
            return query + holdFor.map(d -> " for " + Numbers.age(d) + " (a sample every " + Numbers.age(step) + ")").orElse("")
                    + " at " + SecretMasker.of().mask(url);
        }
    }

    /** As a runbook writes it: {@code 30s}, {@code 2m}, {@code 1h}. */
    private static String written(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    static Duration defaultStep(Duration holdFor) {
        Duration step = holdFor.dividedBy(10);
        return step.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : step.withNanos(0);
    }

    @Override
    public String key() {
        return "prometheus";
    }

    @Override
    public List<String> settings() {
        return List.of("url", "query", "headers", "no-data", "for", "step");
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
        Optional<Duration> holdFor = f.duration("for");
        Optional<Duration> step = f.duration("step");
        if (holdFor.isPresent() && holdFor.get().compareTo(Duration.ofSeconds(1)) < 0) {
            f.problem(f.line("for"), "for: must be at least 1s", "write how long the condition must hold, e.g. for: 5m");
            holdFor = Optional.empty();
        }
        if (step.isPresent() && step.get().compareTo(Duration.ofSeconds(1)) < 0) {
            f.problem(f.line("step"), "step must be at least 1s", "write e.g. step: 30s");
            step = Optional.empty();
        }
        if (step.isPresent() && holdFor.isEmpty() && !f.has("for")) {
            f.problem(f.line("step"), "step only applies with for: (a range query)", "add for: 5m, or remove step");
        }
        if (holdFor.isPresent() && step.isPresent() && holdFor.get().dividedBy(step.get()) > MAX_POINTS) {
            f.problem(f.line("step"), "step " + Numbers.age(step.get()) + " makes over " + MAX_POINTS + " samples of " + Numbers.age(holdFor.get()),
                    "use a longer step, e.g. step: " + written(defaultStep(holdFor.get())));
        }
        if (holdFor.isPresent() && step.isPresent() && step.get().compareTo(holdFor.get()) > 0) {
            f.problem(f.line("step"), "step is longer than for:", "use a step shorter than the duration, e.g. a tenth of it");
        }
        if (url.isEmpty() || query.isEmpty()) {
            return Optional.empty();
        }
        Prometheus probe = new Prometheus(url.get(), query.get(), headers, noData);
        if (holdFor.isPresent()) {
            probe = probe.holdingFor(holdFor.get());
            if (step.isPresent()) {
                probe = new Prometheus(url.get(), query.get(), headers, noData, holdFor, step.get());
            }
        }
        return Optional.of(probe);
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
        // Milliseconds, as Prometheus takes them: the last sample is now, not up to a second ago.
        long endMillis = Instant.now().toEpochMilli();
        long stepSeconds = Math.max(1, probe.step().toSeconds());
        long startMillis = endMillis - probe.holdFor().map(Duration::toMillis).orElse(0L);
        url.addPathSegments(probe.holdFor().isPresent() ? "api/v1/query_range" : "api/v1/query")
                .addQueryParameter("query", probe.query());
        if (probe.holdFor().isPresent()) {
            url.addQueryParameter("start", seconds(startMillis))
                    .addQueryParameter("end", seconds(endMillis))
                    .addQueryParameter("step", stepSeconds + "s");
        }
        // Prometheus gives up on its own side too, instead of computing for nobody.
        url.addQueryParameter("timeout", Math.max(1, timeout.toSeconds()) + "s");
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
            case "matrix" -> {
                if (probe.holdFor().isEmpty()) {
                    throw new ProbeException("the query returned a range vector; use an instant query (no [5m] at the end)");
                }
                for (JsonNode series : data.path("result")) {
                    samples.add(held(labels(series.path("metric")), series.path("values"), startMillis, endMillis, stepSeconds,
                            probe.holdFor().get()));
                }
            }
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

    /**
     * One series of a range query as a sample: its value at the end, and the values before it at
     * every step from the start, NaN where the series had none (it was absent, so the condition
     * did not hold then, as an alert rule's pending state would have reset).
     */
    private static Measurement.Sample held(String label, JsonNode values, long startMillis, long endMillis, long step,
                                           Duration holdFor) throws ProbeException {
        double start = startMillis / 1000.0;
        int points = (int) ((endMillis - startMillis) / (step * 1000)) + 1;
        double[] at = new double[points];
        java.util.Arrays.fill(at, Double.NaN);
        for (JsonNode pair : values) {
            double t = pair.path(0).asDouble(Double.NaN);
            long k = Math.round((t - start) / step);
            if (k >= 0 && k < points) {
                at[(int) k] = value(pair);
            }
        }
        double latest = at[points - 1];
        List<Double> before = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int missing = 0;
        for (int k = 0; k < points; k++) {
            if (k < points - 1) {
                before.add(at[k]);
            }
            if (Double.isNaN(at[k])) {
                missing++;
            } else {
                min = Math.min(min, at[k]);
                max = Math.max(max, at[k]);
            }
        }
        String over = missing == points ? "no samples"
                : "min " + Numbers.format(min) + ", max " + Numbers.format(max)
                + (missing > 0 ? ", " + missing + " of " + points + " samples missing" : "");
        String shown = Numbers.format(latest) + " (" + Numbers.age(holdFor) + ": " + over + ")";
        return new Measurement.Sample(label, latest, "", shown, before);
    }

    private static String seconds(long epochMillis) {
        return java.math.BigDecimal.valueOf(epochMillis, 3).toPlainString();
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
