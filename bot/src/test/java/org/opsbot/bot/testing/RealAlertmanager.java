package org.opsbot.bot.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on a free loopback port with
 * its own storage and no clustering, for tests of its API. When the binary is missing the test
 * is skipped locally, but fails in CI ({@code CI=true}), where {@code .ci/run} installs it.
 * {@link #start(String)} takes the test's own {@code alertmanager.yml} (receivers that call the
 * bot); its log is kept for {@link #log()} until {@link #close()} deletes the directory.
 */
public final class RealAlertmanager implements AutoCloseable {
    private static final List<String> BINARIES = List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager",
            "/usr/local/bin/alertmanager");

    private final Process process;
    private final Path dir;
    public final String url;

    private RealAlertmanager(Process process, Path dir, String url) {
        this.process = process;
        this.dir = dir;
        this.url = url;
    }

    /** With a route that delivers nowhere: for tests of the API alone. */
    public static RealAlertmanager start() throws IOException, InterruptedException {
        return start("""
                route:
                  receiver: nowhere
                receivers:
                  - name: nowhere
                """);
    }

    /** With {@code config} as its {@code alertmanager.yml}. */
    public static RealAlertmanager start(String config) throws IOException, InterruptedException {
        Optional<Path> binary = Stream.concat(BINARIES.stream().map(Path::of),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(p -> Path.of(p, "alertmanager")))
                .filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but no Alertmanager binary: .ci/run should install prometheus-alertmanager");
            }
            Assumptions.abort("no Alertmanager binary (apt-get install prometheus-alertmanager); skipped outside CI");
        }
        Path dir = Files.createTempDirectory("opsbot-alertmanager");
        Path configFile = dir.resolve("alertmanager.yml");
        Files.writeString(configFile, config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        Process process = new ProcessBuilder(binary.get().toString(), "--config.file=" + configFile,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                // Its notifications carry this as externalURL, which the bot's Silence calls back.
                "--web.external-url=" + url,
                "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager.log").toFile())
                .start();
        RealAlertmanager am = new RealAlertmanager(process, dir, url);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return am;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        String log = am.log();
        am.close();
        throw new IllegalStateException("Alertmanager did not become ready: " + log);
    }

    /** {@code GET /api/v2/silences} as JSON text. */
    public String silences() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v2/silences")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What it logged so far (warnings and errors: a webhook it could not deliver, say). */
    public String log() {
        try {
            return Files.readString(dir.resolve("alertmanager.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        RealPrometheus.stop(process);
        TempDirs.delete(dir);
    }
}
