package org.opsbot.bot.http;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OpsbotServerTest {

    private OpsbotServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        App app = new App(AppConfig.builder().singleTeamBotToken(null).signingSecret("secret").build(), new ArrayList<>());
        server = OpsbotServer.builder()
                .port(0)
                .slackApp(app)
                .signingSecret(Optional.of("secret"))
                .seenSignatures((signature, signedAt) -> true)
                .databaseUp(() -> true)
                .slackStatus(SlackStatus::dryRun)
                .meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                // Stands in for the alert webhooks, which need more than Slack's 1 MiB.
                .routes(routing -> routing.post("/alerts/test", (req, res) -> {
                    try (InputStream in = req.content().inputStream()) {
                        res.send(Long.toString(in.transferTo(OutputStream.nullOutputStream())));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }))
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, int bytes) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void portZeroBindsAFreePortAndReportsIt() {
        assertThat(server.port()).isPositive();
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void otherRoutesAcceptBodiesUpToTenMebibytes() throws Exception {
        HttpResponse<String> response = post("/alerts/test", 5 * 1024 * 1024);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Integer.toString(5 * 1024 * 1024));
    }

    @Test
    void bodiesOverTenMebibytesAreRefusedEverywhere() throws Exception {
        assertThat(org.opsbot.bot.testing.OversizeRequest.status(server.port(), "/alerts/test", java.util.Map.of(),
                new byte[11 * 1024 * 1024], false)).isEqualTo(413);
    }

    @Test
    void inDryRunHealthReportsSlackAsDryRun() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"DRY_RUN\"");
    }

    @Test
    void aServerThatCannotBindItsPortFailsToStartInsteadOfReportingPortMinusOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            App app = new App(AppConfig.builder().singleTeamBotToken(null).signingSecret("secret").build(), new ArrayList<>());
            OpsbotServer.Builder second = OpsbotServer.builder()
                    .port(taken.getLocalPort())
                    .slackApp(app)
                    .seenSignatures((signature, signedAt) -> true)
                    .databaseUp(() -> true)
                    .slackStatus(SlackStatus::dryRun)
                    .meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

            org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                    .isInstanceOfSatisfying(PortInUseException.class, e -> assertThat(e.port()).isEqualTo(taken.getLocalPort()));
        }
    }
}
