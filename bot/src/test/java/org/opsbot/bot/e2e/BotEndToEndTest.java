package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bot as {@code opsbot serve} assembles it (real database, real outbox, real server on a
 * free port), with WireMock as Slack's Web API and requests signed as Slack signs them.
 */
class BotEndToEndTest {
    private static final String SECRET = "bot-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String databaseUrl = TestDatabases.sqliteUrl();
    private Bot bot;
    @TempDir
    Path runbooks;

    @BeforeEach
    void slackIsUp() {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://e2e.slack.com/","team":"E2E","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0OPS00001\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
    }

    private Bot startBot() {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.empty());
        bot = Bot.start(settings, ExampleText.onTheWallClock(), Clock.systemUTC());
        return bot;
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    private HttpResponse<String> slash(String text) throws Exception {
        return send(signer.post(uri("/slack/events"), SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, "U0ALICE001", text)));
    }

    @Test
    void theAssembledBotLearnsItsWorkspaceAndAnswersOpsHelp() throws Exception {
        startBot();

        Eventually.await("workspace learned from auth.test", WAIT, () -> {
            try {
                return slash("help").body().contains("opsbot commands");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> help = slash("help");
        assertThat(help.statusCode()).isEqualTo(200);
        assertThat(help.body()).contains("\"response_type\":\"ephemeral\"", "/ops help");

        HttpResponse<String> foreign = send(signer.post(uri("/slack/events"), SlackSigner.FORM,
                SlackPayloads.slashCommand("T0STRANGER", "U0GUEST001", "help")));
        assertThat(foreign.body()).contains("only serves workspace " + TEAM).doesNotContain("opsbot commands");
    }

    @Test
    void aMentionIsAnsweredInItsThreadThroughTheOutboxAndSlacksRetryChangesNothingEvenAfterARestart() throws Exception {
        startBot();
        String mention = SlackPayloads.appMention(TEAM, "Ev0E2E0001", "U0ALICE001", "C0OPS00001", "1700000000.000100");

        Eventually.await("mention accepted", WAIT, () -> {
            try {
                send(signer.post(uri("/slack/events"), SlackSigner.JSON, mention));
                return !slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("thread_ts=1700000000.000100")));

        bot.close();
        startBot();
        // Slack signs a retry anew, later than the deliveries above: the same signature again would be a replay.
        HttpResponse<String> retry = send(signer.builder(uri("/slack/events"), SlackSigner.JSON, mention,
                        Clock.systemUTC().instant().getEpochSecond() + 1)
                .header("X-Slack-Retry-Num", "1").header("X-Slack-Retry-Reason", "http_timeout").build());

        assertThat(retry.statusCode()).isEqualTo(200);
        Thread.sleep(1_000);
        slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage")));
    }

    @Test
    void healthAndMetricsReportTheRealDatabaseAndOutbox() throws Exception {
        startBot();

        HttpResponse<String> ready = send(HttpRequest.newBuilder(uri("/health/ready")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"database\"", "\"UP\"");

        String metrics = send(HttpRequest.newBuilder(uri("/metrics")).build()).body();
        assertThat(metrics).contains("opsbot_outbox_pending", "opsbot_slack_calls_total{outcome=\"sent\"}");
    }
}
