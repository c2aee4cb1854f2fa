package org.opsbot.bot.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.opsbot.bot.http.OpsbotServer;
import org.opsbot.bot.http.SlackStatus;
import org.opsbot.bot.slack.InMemoryEventLedger;
import org.opsbot.bot.slack.SlackApp;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.OpsCommands;
import org.opsbot.bot.slack.ops.OpsRouter;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * The real server on a free port, wired as production wires it except for the edges: WireMock
 * stands in for Slack's Web API, an in-memory ledger for the database, a recording outbox for
 * the real one, a set for the signatures seen. Health inputs are switches the test flips.
 */
public final class RunningBot implements AutoCloseable {

    public static final String SECRET = "e2e-signing-secret-0123456789abcdef";
    public static final String OWN_TEAM = "T0OWN00001";
    public static final String BOT_TOKEN = "xoxb-test-token";

    public final WireMockServer slackApi;
    public final RecordingOutbox outbox = new RecordingOutbox();
    public final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final AtomicBoolean databaseUp = new AtomicBoolean(true);
    public final AtomicReference<SlackStatus> slackStatus = new AtomicReference<>(SlackStatus.reachable());
    public final SlackSigner signer = new SlackSigner(SECRET);
    /** The signatures let in; in production a table shared by the replicas. */
    public final Set<String> seenSignatures = ConcurrentHashMap.newKeySet();
    public final OpsbotServer server;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RunningBot(Optional<String> signingSecret, OpsCommands commands, AccessPolicy policy) {
        slackApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        slackApi.start();
        slackApi.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson(
                "{\"ok\":true,\"url\":\"https://example.slack.com/\",\"team\":\"Example\",\"user\":\"opsbot\","
                        + "\"team_id\":\"" + OWN_TEAM + "\",\"user_id\":\"U0BOT00001\",\"bot_id\":\"B0BOT00001\"}")));
        Settings settings = new Settings(Optional.of(BOT_TOKEN), signingSecret, Optional.empty(),
                slackApi.baseUrl() + "/api/", 0, "jdbc:sqlite::memory:", Path.of("opsbot.yaml"),
                Path.of("runbooks"), Path.of("templates"), List.of());
        OpsRouter router = new OpsRouter(commands, policy, GroupDirectory.none(), outbox, Runnable::run);
        var app = SlackApp.create(settings, () -> Optional.of(OWN_TEAM), router, new InMemoryEventLedger(),
                outbox, meters, List.of());
        server = OpsbotServer.builder()
                .port(0)
                .slackApp(app)
                .signingSecret(signingSecret)
                .seenSignatures((signature, signedAt) -> seenSignatures.add(signature))
                .slackDatabaseDown(DatabaseDown.beforeHandling(outbox, Runnable::run))
                .databaseUp(databaseUp::get)
                .slackStatus(slackStatus::get)
                .meters(meters)
                .start();
    }

    public RunningBot() {
        this(Optional.of(SECRET), OpsCommands.standard(), AccessPolicy.empty());
    }

    /** Makes every Web API call fail as if Slack were down. */
    public void slackIsDown() {
        slackApi.resetAll();
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(aResponse().withStatus(503)));
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Signed now, as Slack would. */
    public HttpResponse<String> slack(String contentType, String body) {
        return send(signer.post(uri("/slack/events"), contentType, body));
    }

    @Override
    public void close() {
        server.close();
        slackApi.stop();
    }
}
