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
import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code http}: an HTTP request through the one shared OkHttp client, judged by its status, its
 * body or the value(s) at a JSON pointer.
 */
public final class HttpKind implements CheckKind<HttpKind.Http> {
    // Health endpoints answer small documents; a runaway body must not fill the heap.
    private static final long MAX_BODY = 2L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /**
     * An HTTP request. Without {@code json}, or with {@code equals}/{@code contains}, the value
     * compared with thresholds is the latency in milliseconds; with {@code json} alone it is the
     * number(s) found at the pointer.
     *
     * @param expectedStatus e.g. {@code [200]}, {@code ["2xx"]}
     * @param json           a JSON pointer; a {@code *} segment means every element of an array
     * @param equals         every value at the pointer must equal this
     * @param contains       every value at the pointer (or the body, without a pointer) must contain this
     * @param bodyPattern    a regular expression the body must contain a match of
     */
    public record Http(String method, String url, Map<String, String> headers, Optional<String> body,
                       List<String> expectedStatus, Optional<String> json, Optional<String> equals,
                       Optional<String> contains, Optional<String> bodyPattern) implements Probe {
        public Http {
            headers = Map.copyOf(headers);
            expectedStatus = List.copyOf(expectedStatus);
        }

        public static Http get(String url) {
            return new Http("GET", url, Map.of(), Optional.empty(), List.of("2xx"), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Http withJson(String pointer) {
            return new Http(method, url, headers, body, expectedStatus, Optional.of(pointer), equals, contains, bodyPattern);
        }

        public Http withEquals(String expected) {
            return new Http(method, url, headers, body, expectedStatus, json, Optional.of(expected), contains, bodyPattern);
        }

        public Http withBodyPattern(String regex) {
            return new Http(method, url, headers, body, expectedStatus, json, equals, contains, Optional.of(regex));
        }

        @Override
        public String describe() {
            StringBuilder d = new StringBuilder(method).append(' ').append(SecretMasker.of().mask(url));
            json.ifPresent(j -> d.append(": ").append(j));
            equals.ifPresent(e -> d.append(" = ").append(e));
            contains.ifPresent(c -> d.append(" contains ").append(c));
            bodyPattern.ifPresent(p -> d.append(" matching /").append(p).append('/'));
            return d.toString();
        }

        @Override
        public Quantity quantity() {
            return json.isEmpty() || equals.isPresent() || contains.isPresent() ? Quantity.LATENCY : Quantity.NUMBER;
        }
    }

    @Override
    public String key() {
        return "http";
    }

    @Override
    public List<String> settings() {
        return List.of("url", "method", "headers", "body", "status", "json", "equals", "contains", "pattern");
    }

    @Override
    public Class<Http> probeType() {
        return Http.class;
    }

    @Override
    public Optional<Http> parse(KindSettings f) {
        Optional<String> url = f.url("url");
        String method = f.string("method", false).map(s -> s.toUpperCase(Locale.ROOT)).orElse("GET");
        if (!METHODS.contains(method)) {
            f.problem(f.line("method"), "unknown HTTP method " + method, "use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS");
        }
        Map<String, String> headers = f.map("headers");
        List<String> status = f.strings("status");
        for (String s : status) {
            if (!s.matches("[1-5](\\d\\d|xx)")) {
                f.problem(f.line("status"), "expected status \"" + s + "\" is not a status", "write 200, [200, 204] or 2xx");
            }
        }
        Optional<String> json = f.string("json", false);
        if (json.isPresent() && !(json.get().isEmpty() || json.get().startsWith("/"))) {
            f.problem(f.line("json"), "JSON pointer \"" + json.get() + "\" must start with /",
                    "write it like /connector/state; /tasks/*/state checks every task");
        }
        Optional<String> equals = f.string("equals", false);
        Optional<String> contains = f.string("contains", false);
        if (equals.isPresent() && json.isEmpty()) {
            f.problem(f.line("equals"), "equals needs a json pointer to compare", "add json: /path/to/value, or use contains: for the body");
        }
        Optional<String> pattern = f.regex("pattern");
        Optional<String> body = f.string("body", false);
        return url.map(u -> new Http(method, u, headers, body, status.isEmpty() ? List.of("2xx") : status,
                json, equals, contains, pattern));
    }

    @Override
    public Measurement measure(Http probe, ProbeContext context) throws ProbeException, IOException {
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

        Fetched fetched = fetch(context.http(), request.build(), context.timeout(), context.cancellation());
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
