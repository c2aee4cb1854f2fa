package org.opsbot.commands.check;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Measures {@link Probe.Http} through the one shared OkHttp client. */
final class HttpProber {
    // Health endpoints answer small documents; a runaway body must not fill the heap.
    private static final long MAX_BODY = 2L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient client;

    HttpProber(OkHttpClient client) {
        this.client = client;
    }

    Measurement measure(Probe.Http probe, Duration timeout, Cancellation cancellation) throws ProbeException, IOException {
        HttpUrl url = HttpUrl.parse(probe.url());
        if (url == null) {
            throw new ProbeException("not an http(s) URL: " + probe.url());
        }
        Request.Builder request = new Request.Builder().url(url);
        probe.headers().forEach(request::header);
        RequestBody body = probe.body()
                .map(b -> RequestBody.create(b, MediaType.get(probe.headers().getOrDefault("Content-Type", "application/json"))))
                .orElse(requiresBody(probe.method()) ? RequestBody.create(new byte[0]) : null);
        request.method(probe.method(), body);

        Fetched fetched = fetch(client, request.build(), timeout, cancellation);
        Status verdict = Status.OK;
        List<String> problems = new ArrayList<>();
        if (!statusExpected(fetched.code(), probe.expectedStatus())) {
            verdict = Status.CRIT;
            problems.add("HTTP " + fetched.code() + ", expected " + String.join(" or ", probe.expectedStatus()));
        }
        if (probe.bodyPattern().isPresent() && !Pattern.compile(probe.bodyPattern().get()).matcher(fetched.body()).find()) {
            verdict = Status.CRIT;
            problems.add("the body does not match /" + probe.bodyPattern().get() + "/");
        }
        Measurement.Sample latency = new Measurement.Sample("latency", fetched.millis(), " ms");

        if (probe.json().isEmpty()) {
            if (probe.contains().isPresent() && !fetched.body().contains(probe.contains().get())) {
                verdict = Status.CRIT;
                problems.add("the body does not contain \"" + probe.contains().get() + "\"");
            }
            String message = problems.isEmpty() ? "HTTP " + fetched.code() + " in " + fetched.millis() + " ms" : String.join("; ", problems);
            return new Measurement(verdict, "HTTP " + fetched.code() + ", " + fetched.millis() + " ms", List.of(latency), message);
        }
        if (verdict == Status.CRIT) {
            // A 404 or 503 has no document worth pointing into; the status says it all.
            return new Measurement(verdict, "HTTP " + fetched.code(), List.of(), String.join("; ", problems));
        }

        JsonNode root = parseJson(fetched.body());
        String pointer = probe.json().get();
        List<JsonPointers.Found> found = JsonPointers.resolve(root, pointer);
        if (found.isEmpty()) {
            return new Measurement(Status.CRIT, "no values", List.of(),
                    "pointer " + pointer + " matched no values (an empty array)");
        }
        Set<String> values = new LinkedHashSet<>();
        found.forEach(f -> values.add(JsonPointers.text(f.value())));
        String observed = String.join(", ", values);

        if (probe.equals().isPresent() || probe.contains().isPresent()) {
            List<String> wrong = new ArrayList<>();
            for (JsonPointers.Found f : found) {
                String v = JsonPointers.text(f.value());
                boolean good = probe.equals().map(v::equals).orElse(true)
                        && probe.contains().map(v::contains).orElse(true);
                if (!good) {
                    wrong.add(f.pointer() + " is " + v);
                }
            }
            String expectation = probe.equals().map(e -> "expected " + e).orElseGet(() -> "expected to contain " + probe.contains().get());
            if (!wrong.isEmpty()) {
                String shown = String.join(", ", wrong.subList(0, Math.min(3, wrong.size())))
                        + (wrong.size() > 3 ? " and " + (wrong.size() - 3) + " more" : "");
                problems.add(shown + ", " + expectation);
                return new Measurement(Status.CRIT, observed, List.of(latency), String.join("; ", problems));
            }
            String message = found.size() == 1
                    ? pointer + " is " + observed
                    : pointer + ": all " + found.size() + " are " + observed;
            return new Measurement(verdict, observed, List.of(latency), problems.isEmpty() ? message : String.join("; ", problems));
        }

        List<Measurement.Sample> samples = new ArrayList<>();
        for (JsonPointers.Found f : found) {
            String v = JsonPointers.text(f.value());
            if (!(f.value().isNumber() || (f.value().isTextual() && Numbers.isNumber(v)))) {
                throw new ProbeException("the value at " + f.pointer() + " is \"" + v + "\", not a number");
            }
            samples.add(new Measurement.Sample(f.pointer(), Numbers.parse(v), ""));
        }
        String message = problems.isEmpty() ? pointer + " is " + observed : String.join("; ", problems);
        return new Measurement(verdict, observed, samples, message);
    }

    record Fetched(int code, String body, long millis) {
    }

    /**
     * One call under a deadline that covers connecting, waiting and reading the body; on
     * the runner's cancel the call is cancelled, which closes its socket.
     */
    static Fetched fetch(OkHttpClient client, Request request, Duration timeout, Cancellation cancellation) throws IOException {
        Call call = client.newCall(request);
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        cancellation.onCancel(call::cancel);
        long start = System.nanoTime();
        try (Response response = call.execute()) {
            String body = response.peekBody(MAX_BODY).string();
            return new Fetched(response.code(), body, (System.nanoTime() - start) / 1_000_000);
        }
    }

    static JsonNode parseJson(String body) throws ProbeException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ProbeException("the response was empty, not JSON");
            }
            return node;
        } catch (JacksonException e) {
            String start = body.strip();
            start = start.length() > 40 ? start.substring(0, 40) + "…" : start;
            throw new ProbeException("the response was not JSON (it starts with \"" + start + "\")");
        }
    }

    static boolean statusExpected(int code, List<String> expected) {
        for (String e : expected) {
            String s = e.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.length() == 3 && s.endsWith("xx") && Character.isDigit(s.charAt(0))) {
                if (code / 100 == s.charAt(0) - '0') {
                    return true;
                }
            } else if (s.equals(Integer.toString(code))) {
                return true;
            }
        }
        return false;
    }

    private static boolean requiresBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
