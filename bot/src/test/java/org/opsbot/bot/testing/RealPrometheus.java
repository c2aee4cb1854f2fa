package org.opsbot.bot.testing;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's {@code prometheus}) on a free loopback port with its own storage,
 * scraping and evaluating every second. It scrapes one target, a {@code /metrics} endpoint whose
 * gauges the test sets ({@link #set}), evaluates the test's rule file and sends what fires to a
 * {@link RealAlertmanager}. When the binary is missing the test is skipped locally, but fails in
 * CI ({@code CI=true}), where {@code .ci/run} installs it. Debian's package may run its own
 * service on :9090; this never uses it.
 */
public final class RealPrometheus implements AutoCloseable {
    private static final List<String> BINARIES = List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus");
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    /** The job name Prometheus gives the target: it becomes the alerts' {@code job} label. */
    public static final String JOB = "opsbot-demo";

    private final Process process;
    private final Path dir;
    private final Gauges gauges;
    private final HttpClient http = HttpClient.newHttpClient();
    /** {@code http://127.0.0.1:port}: what a runbook's {@code prometheus.url} names. */
    public final String url;

    private RealPrometheus(Process process, Path dir, Gauges gauges, String url) {
        this.process = process;
        this.dir = dir;
        this.gauges = gauges;
        this.url = url;
    }

    /** Prometheus with no rules and no Alertmanager: for queries only (the prometheus check). */
    public static RealPrometheus start() throws IOException, InterruptedException {
        return start("groups: []\n", null);
    }

    /**
     * Starts Prometheus with {@code rules} as its one rule file, alerting {@code alertmanager}
     * (none when null), and returns once it has scraped the gauges endpoint successfully.
     */
    public static RealPrometheus start(String rules, RealAlertmanager alertmanager) throws IOException, InterruptedException {
        Optional<Path> binary = Stream.concat(BINARIES.stream().map(Path::of),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(p -> Path.of(p, "prometheus")))
                .filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but no Prometheus binary: .ci/run should install prometheus");
            }
            Assumptions.abort("no Prometheus binary (apt-get install prometheus); skipped outside CI");
        }
        Gauges gauges = Gauges.start();
        Path dir = Files.createTempDirectory("opsbot-prometheus");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        Process process;
        try {
            process = launch(binary.get(), dir, port, rules, alertmanager, gauges);
        } catch (IOException | RuntimeException e) {
            gauges.close();
            TempDirs.delete(dir);
            throw e;
        }
        RealPrometheus prometheus = new RealPrometheus(process, dir, gauges, url);
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                // Scraped once already: a rule over the gauges sees a value at its next evaluation.
                if (prometheus.query("up{job=\"" + JOB + "\"} == 1").contains("\"value\"")) {
                    return prometheus;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        String log = prometheus.log();
        prometheus.close();
        throw new IllegalStateException("Prometheus did not become ready and scrape " + gauges.target() + ": " + log);
    }

    private static Process launch(Path binary, Path dir, int port, String rules, RealAlertmanager alertmanager,
                                  Gauges gauges) throws IOException {
        Files.writeString(dir.resolve("rules.yml"), rules);
        String alerting = alertmanager == null ? "" : """
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["%s"]
                """.formatted(URI.create(alertmanager.url).getAuthority());
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yml]
                %sscrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ["%s"]
                """.formatted(alerting, JOB, gauges.target()));
        return new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                // The alerts' generatorURL (the "source" link on the bot's message) points here.
                "--web.external-url=http://127.0.0.1:" + port)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
    }

    /** Sets a gauge on the scraped endpoint; Prometheus sees it at its next scrape (within a second). */
    public void set(String gauge, double value) {
        gauges.set(gauge, value);
    }

    /** An instant query, {@code GET /api/v1/query}, as JSON text. */
    public String query(String promql) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Its active alerts, {@code GET /api/v1/alerts}, as JSON text. */
    public String alerts() throws IOException, InterruptedException {
        return get("/api/v1/alerts");
    }

    private String get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What it logged so far: rule evaluation and notifier errors among it. */
    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop(process);
        gauges.close();
        TempDirs.delete(dir);
    }

    /** SIGTERM, and SIGKILL if it has not exited within seconds: a hung server must not hang the build. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A loopback {@code /metrics} endpoint in Prometheus' text format, serving the gauges set last. */
    private static final class Gauges implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, Double> values = new TreeMap<>();

        private Gauges(HttpServer server) {
            this.server = server;
        }

        static Gauges start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            Gauges gauges = new Gauges(server);
            server.createContext("/metrics", exchange -> {
                byte[] body = gauges.exposition().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return gauges;
        }

        String target() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized void set(String name, double value) {
            values.put(name, value);
        }

        private synchronized String exposition() {
            return values.entrySet().stream()
                    .map(e -> "# TYPE " + e.getKey() + " gauge\n" + e.getKey() + " " + e.getValue() + "\n")
                    .collect(Collectors.joining());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
