package org.opsbot.bot.slack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSocketStandIn;
import org.opsbot.bot.testing.SlackSocketStandIn.Ack;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bot as {@code opsbot serve} assembles it with SLACK_APP_TOKEN set and no signing secret:
 * WireMock is Slack's Web API (its {@code apps.connections.open} hands out the stand-in's URL),
 * and a local WebSocket server speaks Slack's Socket Mode protocol. Payloads are Slack's real
 * shapes ({@link SlackPayloads}), wrapped in envelopes as Socket Mode delivers them.
 */
class SocketModeEndToEndTest {
    private static final String TEAM = "T0SOCK0001";
    private static final String APP_TOKEN = "xapp-1-A123456-1-socketmodetest";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration SLACKS_ACK_DEADLINE = Duration.ofSeconds(3);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final WireMockServer systems = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private SlackSocketStandIn socket;
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void slackIsUp() throws Exception {
        socket = SlackSocketStandIn.start(WAIT);
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://sock.slack.com/","team":"Sock","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slackHandsOutLinks();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C2147483705\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C2147483705\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));

        systems.start();
        systems.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"UP\"}")));
        Files.writeString(runbooks.resolve("sock.yaml"), """
                name: sock
                title: Socket check
                team: cdc
                checks:
                  - name: API health
                    http: {url: "%s/health", json: /status, equals: UP}
                """.formatted(systems.baseUrl()));
    }

    /** Slack's apps.connections.open, answered only for the app-level token. */
    private void slackHandsOutLinks() {
        slack.stubFor(post(urlPathEqualTo("/api/apps.connections.open"))
                .withHeader("Authorization", equalTo("Bearer " + APP_TOKEN))
                .willReturn(okJson("{\"ok\":true,\"url\":\"" + socket.url() + "\"}")));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        socket.close();
        slack.stop();
        systems.stop();
    }

    @Test
    void opsHelpOverTheSocketIsAckedWithItsEnvelopeIdAndTheAnswerAsPayload() throws Exception {
        startBot();

        Ack help = slash("U0ALICE001", "help");

        assertThat(help.message().get("envelope_id").getAsString()).isNotBlank();
        assertThat(help.payload()).contains("\"response_type\":\"ephemeral\"", "opsbot commands", "/ops help");
        Ack foreign = socket.awaitAck(socket.deliver("slash_commands",
                SlackSocketStandIn.slashCommand(SlackPayloads.slashCommand("T0STRANGER", "U0GUEST001", "help")), true), WAIT);
        assertThat(foreign.payload()).contains("only serves workspace " + TEAM).doesNotContain("opsbot commands");

        HttpResponse<String> events = send(HttpRequest.newBuilder(uri("/slack/events"))
                .POST(HttpRequest.BodyPublishers.ofString(SlackPayloads.slashCommand(TEAM, "U0ALICE001", "help"))).build());
        assertThat(events.statusCode()).isEqualTo(404);
        assertThat(events.body()).contains("Socket Mode").doesNotContain("opsbot commands");
        slack.verify(postRequestedFor(urlEqualTo("/api/apps.connections.open")));
    }

    @Test
    void aCheckCommandAndARunAgainClickAreAckedAtOnceAndTheirReportsReachSlack() throws Exception {
        startBot();
        slash("U0ALICE001", "help");

        long sent = System.nanoTime();
        String checkId = socket.deliver("slash_commands",
                SlackSocketStandIn.slashCommand(SlackPayloads.slashCommand(TEAM, "U0ALICE001", "check sock")), true);
        Ack check = socket.awaitAck(checkId, SLACKS_ACK_DEADLINE);
        assertThat(Duration.ofNanos(check.arrivedNanos() - sent)).isLessThan(SLACKS_ACK_DEADLINE);
        Eventually.await("the report", WAIT, () -> calls("chat.update").stream()
                .anyMatch(b -> b.contains("Run again") && b.contains("by <@U0ALICE001>")));

        sent = System.nanoTime();
        String clickId = socket.deliver("interactive",
                SlackSocketStandIn.interaction(SlackPayloads.blockActions(TEAM, "U0BOB00001", "check.run", "sock")), false);
        Ack click = socket.awaitAck(clickId, SLACKS_ACK_DEADLINE);

        assertThat(Duration.ofNanos(click.arrivedNanos() - sent)).isLessThan(SLACKS_ACK_DEADLINE);
        assertThat(click.message().get("envelope_id").getAsString()).isEqualTo(clickId);
        assertThat(click.hasPayload()).as("a click's envelope takes no payload").isFalse();
        Eventually.await("a report for the click", WAIT, () -> calls("chat.update").stream()
                .anyMatch(b -> b.contains("Run again") && b.contains("by <@U0BOB00001>")));
        assertThat(calls("chat.postMessage")).hasSize(2).allSatisfy(b -> assertThat(b).contains("channel=C2147483705"));
    }

    @Test
    void aDroppedLinkIsReopenedThroughAppsConnectionsOpenAndTheNextEnvelopeIsHandledOnTheNewOne() throws Exception {
        startBot();
        slash("U0ALICE001", "help");
        String mention = SlackPayloads.appMention(TEAM, "Ev0SOCK001", "U0ALICE001", "C0OPS00001", "1700000000.000100");
        socket.awaitAck(socket.deliver("events_api", SlackSocketStandIn.event(mention), false), WAIT);

        socket.dropLatest();

        Eventually.await("a second link", WAIT, () -> socket.links().size() == 2 && socket.links().get(1).open());
        assertThat(slack.findAll(postRequestedFor(urlEqualTo("/api/apps.connections.open")))).hasSize(2);
        Ack help = slash("U0ALICE001", "help");
        assertThat(help.link()).isEqualTo(1);
        assertThat(help.payload()).contains("opsbot commands");
        // Slack redelivers the event it saw no ack for on the new link: it is acked, not answered twice.
        Ack redelivery = socket.awaitAck(socket.deliver("events_api", SlackSocketStandIn.event(mention), false, 1), WAIT);
        assertThat(redelivery.link()).isEqualTo(1);
        Eventually.await("the mention answered", WAIT, () -> !calls("chat.postMessage").isEmpty());
        Thread.sleep(500);
        assertThat(calls("chat.postMessage")).singleElement().satisfies(b -> assertThat(b).contains("thread_ts=1700000000.000100"));
    }

    @Test
    void aDisconnectEnvelopeGetsANewLinkFirstAndThenTheOldOneIsClosed() throws Exception {
        startBot();
        slash("U0ALICE001", "help");
        String next = socket.url();
        slack.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).atPriority(1)
                .willReturn(okJson("{\"ok\":true,\"url\":\"" + next + "\"}")));

        socket.askToRefreshLatest();

        Eventually.await("the new link up and the old one closed", WAIT, () -> socket.links().size() == 2
                && socket.links().get(1).open() && !socket.links().get(0).open());
        assertThat(slack.findAll(postRequestedFor(urlEqualTo("/api/apps.connections.open")))).hasSize(2);
        assertThat(next).endsWith(socket.links().get(1).path());
        Ack help = slash("U0ALICE001", "help");
        assertThat(help.link()).isEqualTo(1);
        assertThat(health()).contains("\"socketMode\"", "\"CONNECTED\"");
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).build()).body()).contains(
                "opsbot_slack_socket_connected 1.0", "opsbot_slack_socket_connects_total 2.0",
                "opsbot_slack_requests_total{kind=\"command\",status=\"200\"} 2.0",
                "opsbot_slack_ack_seconds_count{kind=\"command\"} 2");
    }

    @Test
    void whileSlackHandsOutNoLinkHealthSaysReconnectingSinceTheDropReadinessStaysUpAndRetriesBackOff() throws Exception {
        startBot();
        slash("U0ALICE001", "help");
        slack.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        socket.dropLatest();

        Eventually.await("reconnecting in /health/ready", WAIT, () -> health().contains("\"RECONNECTING\""));
        HttpResponse<String> ready = send(HttpRequest.newBuilder(uri("/health/ready")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).containsPattern("\"socketMode\":\\{\"(status|since)\"");
        Thread.sleep(3_500);
        // The first link, then retries ~1 s, ~3 s, ~7 s after the drop: not a call every few milliseconds.
        assertThat(slack.findAll(postRequestedFor(urlEqualTo("/api/apps.connections.open"))).size()).isBetween(2, 5);

        slack.resetMappings();
        slackIsUpAgain();

        Eventually.await("connected again", Duration.ofSeconds(20), () -> socket.openLinks() == 1
                && health().contains("\"CONNECTED\""));
        assertThat(slash("U0ALICE001", "help").payload()).contains("opsbot commands");
    }

    @Test
    void theBotStartsWhileSlackHandsOutNoLinkAndConnectsOnceItDoes() throws Exception {
        slack.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).atPriority(1)
                .willReturn(okJson("{\"ok\":false,\"error\":\"internal_error\"}")));

        bot = Bot.start(settings(), ExampleText.onTheWallClock(), Clock.systemUTC());

        Eventually.await("a refused apps.connections.open", WAIT,
                () -> !slack.findAll(postRequestedFor(urlEqualTo("/api/apps.connections.open"))).isEmpty());
        HttpResponse<String> ready = send(HttpRequest.newBuilder(uri("/health/ready")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"CONNECTING\"");
        slack.resetMappings();
        slackIsUpAgain();
        Eventually.await("connected", WAIT, () -> socket.openLinks() == 1 && health().contains("\"CONNECTED\""));
        assertThat(slash("U0ALICE001", "help").payload()).contains("opsbot commands");
    }

    private void slackIsUpAgain() {
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson(
                "{\"ok\":true,\"team_id\":\"" + TEAM + "\",\"user_id\":\"U0BOT00001\",\"bot_id\":\"B0BOT00001\"}")));
        slackHandsOutLinks();
    }

    /** A bot token and an app-level token, and no signing secret: Socket Mode needs none. */
    private Settings settings() {
        return new Settings(Optional.of("xoxb-socket"), Optional.empty(), Optional.of(APP_TOKEN),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.empty());
    }

    private void startBot() {
        bot = Bot.start(settings(), ExampleText.onTheWallClock(), Clock.systemUTC());
        Eventually.await("the Socket Mode link", WAIT, () -> socket.openLinks() == 1);
    }

    /**
     * A slash command over the socket, acked within Slack's 3 s. The first after start-up may
     * find the workspace not learned yet (auth.test runs in the background), so it is repeated.
     */
    private Ack slash(String user, String text) {
        JsonObject payload = SlackSocketStandIn.slashCommand(SlackPayloads.slashCommand(TEAM, user, text));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long sent = System.nanoTime();
            Ack ack = socket.awaitAck(socket.deliver("slash_commands", payload, true), SLACKS_ACK_DEADLINE);
            assertThat(Duration.ofNanos(ack.arrivedNanos() - sent)).isLessThan(SLACKS_ACK_DEADLINE);
            if (!ack.payload().contains("does not know its own workspace yet") || System.nanoTime() > deadline) {
                return ack;
            }
        }
    }

    private String health() {
        try {
            return send(HttpRequest.newBuilder(uri("/health/ready")).build()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private List<String> calls(String method) {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/" + method))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8))
                .toList();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }
}
