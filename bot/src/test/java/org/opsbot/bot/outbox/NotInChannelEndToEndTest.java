package org.opsbot.bot.outbox;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A post to a channel the bot is not in: a public one is joined and the post made there; a
 * private one is said in the log, on /health/ready, in /metrics, and to the person who asked.
 * Through {@code /ops override}, which announces the override in the team's channel.
 */
class NotInChannelEndToEndTest {
    private static final String SECRET = "not-in-channel-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String LEAD = "U0LEAD0001";
    private static final String CDC_ALERTS = "C0CDC00001";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Bot bot;
    @TempDir
    Path runbooks;

    private void start(String joinAnswer) {
        System.setErr(new PrintStream(new TeeStream(log, originalErr), true, StandardCharsets.UTF_8));
        slack.start();
        // Slack answers not_in_channel to a post in a channel the bot is not a member of, until it joins.
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"D0DM000001\",\"ts\":\"1768298400.000200\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1).withRequestBody(containing("channel=%23cdc-alerts"))
                .inScenario("membership").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"ok\":false,\"error\":\"not_in_channel\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1).withRequestBody(containing("channel=%23cdc-alerts"))
                .inScenario("membership").whenScenarioStateIs("member")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"" + CDC_ALERTS + "\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.join")).inScenario("membership")
                .willReturn(okJson(joinAnswer)).willSetStateTo(joinAnswer.contains("\"ok\":true") ? "member" : Scenario.STARTED));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.list")).willReturn(okJson(
                "{\"ok\":true,\"channels\":[{\"id\":\"" + CDC_ALERTS + "\",\"name\":\"cdc-alerts\"}],\"response_metadata\":{\"next_cursor\":\"\"}}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson(
                "{\"ok\":true,\"usergroups\":[{\"id\":\"S0MGRS0001\",\"handle\":\"infra-managers\",\"users\":[\"U0MGR00001\"]}]}")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigLoader.bundledExample().require(), clock);
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        if (bot != null) {
            bot.close();
        }
        slack.stop();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> posts() {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream().map(LoggedRequest::getBodyAsString)
                .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aPublicChannelTheBotIsNotInIsJoinedAndThePostMadeThere() throws Exception {
        start("{\"ok\":true,\"channel\":{\"id\":\"" + CDC_ALERTS + "\",\"name\":\"cdc-alerts\"}}");

        ops(LEAD, "override cdc <@U0CAROL001|carol> 2h");

        Eventually.await("the announcement posted after joining", WAIT, () -> slack.findAll(
                postRequestedFor(urlPathEqualTo("/api/conversations.join"))).size() == 1
                && posts().stream().filter(b -> b.contains("channel=#cdc-alerts")).count() == 2);
        assertThat(URLDecoder.decode(slack.findAll(postRequestedFor(urlPathEqualTo("/api/conversations.join"))).getFirst()
                .getBodyAsString(), StandardCharsets.UTF_8)).contains("channel=" + CDC_ALERTS);
        assertThat(posts()).as("nobody told of a problem").noneMatch(b -> b.contains("channel=" + LEAD));
        assertThat(get("/health/ready").body()).doesNotContain("warnings");
    }

    @Test
    void aPrivateChannelTheBotIsNotInIsSaidInTheLogHealthMetricsAndToWhoAsked() throws Exception {
        start("{\"ok\":false,\"error\":\"method_not_supported_for_channel_type\"}");

        ops(LEAD, "override cdc <@U0CAROL001|carol> 2h");

        Eventually.await("the person who asked is told", WAIT, () -> posts().stream().anyMatch(b -> b.contains("channel=" + LEAD)));
        String told = posts().stream().filter(b -> b.contains("channel=" + LEAD)).findFirst().orElseThrow();
        assertThat(told).contains("could not be delivered to #cdc-alerts", "#cdc-alerts is private and the bot is not in it",
                "`/invite @opsbot` in #cdc-alerts");
        assertThat(posts().stream().filter(b -> b.contains("channel=#cdc-alerts"))).as("tried once, not again").hasSize(1);

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as("a warning, not a reason to leave rotation").isEqualTo(200);
        assertThat(ready.body()).contains("\"warnings\"", "cannot post to #cdc-alerts", "is private and the bot is not in it");
        assertThat(get("/metrics").body()).containsPattern("opsbot_slack_calls_total\\{[^}]*outcome=\"not_in_channel\"[^}]*} 1\\.0");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("ERROR", "Cannot post to #cdc-alerts",
                "To fix: type `/invite @opsbot` in #cdc-alerts");
    }

    /** Keeps what is written to stderr and still shows it. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
