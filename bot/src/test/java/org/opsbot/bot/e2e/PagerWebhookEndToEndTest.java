package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tier's pager webhook through the doors people use, with the real bot: an Alertmanager
 * webhook opens a group whose first tier also calls a relay (WireMock, opsbot's own format);
 * the signed Acknowledge click on the alert and Alertmanager's resolve reach the relay as an
 * acknowledge and a resolve with the same dedup key.
 */
class PagerWebhookEndToEndTest {
    private static final String SECRET = "pager-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final WireMockServer relay = new WireMockServer(options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void start() throws Exception {
        relay.start();
        relay.stubFor(post("/opsbot").willReturn(aResponse().withStatus(204)));
        String example = Files.readString(Path.of("../opsbot.example.yaml"));
        String tier = "        - {name: On-call engineer, notify: [\"schedule:cdc-primary\"]}\n";
        assertThat(example).contains(tier);
        OpsbotConfig config = ConfigParser.parse(example.replace(tier, """
                        - name: On-call engineer
                          notify: ["schedule:cdc-primary"]
                          webhook: {url: "http://localhost:%d/opsbot"}
                """.formatted(relay.port())), "opsbot.yaml").require();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, config, clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
        relay.stop();
    }

    private void alertmanager(String body) throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    private List<JsonNode> received() {
        return relay.findAll(postRequestedFor(urlEqualTo("/opsbot"))).stream().map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void thePageTheAckClickAndAlertmanagersResolveReachThePagerOnceEachWithOneDedupKey() throws Exception {
        alertmanager(AlertsEndToEndTest.amWebhook("firing", "12840", "firing"));
        Eventually.await("the relay paged", WAIT, () -> received().size() == 1);
        JsonNode page = received().getFirst();
        assertThat(page.get("event").asText()).isEqualTo("page");
        assertThat(page.get("dedup_key").asText()).isEqualTo("opsbot:alert-group:1");
        assertThat(page.get("subject").asText()).isEqualTo("alert-group:1");
        assertThat(page.get("severity").asText()).isEqualTo("P1");
        assertThat(page.get("tier")).isEqualTo(JSON.readTree("{\"number\": 1, \"name\": \"On-call engineer\"}"));
        assertThat(page.get("slack_users")).isEqualTo(JSON.readTree("[\"U0BOB00001\"]"));
        assertThat(page.get("title").asText()).contains("CDCReplicationLagHigh");
        LoggedRequest request = relay.findAll(postRequestedFor(urlEqualTo("/opsbot"))).getFirst();
        assertThat(request.getHeader("User-Agent")).isEqualTo("opsbot");
        Eventually.await("the thread names the pager", WAIT, () -> slack.pageNotes().stream()
                .anyMatch(n -> n.get("text").contains("pager webhook http://localhost:" + relay.port())));

        String click = SlackPayloads.blockActions(TEAM, "U0BOB00001", "bob", "C000000001", "1700000.000200",
                "alert.ack", "1", false);
        assertThat(http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM,
                click), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Eventually.await("the relay told of the ack", WAIT, () -> received().size() == 2);
        assertThat(received().get(1)).isEqualTo(JSON.readTree("""
                {"dedup_key": "opsbot:alert-group:1", "event": "acknowledge", "subject": "alert-group:1",
                 "severity": "P1", "team": "cdc", "text": "alert-group:1 was acknowledged in opsbot",
                 "created_at": "2026-01-13T10:00:00Z"}"""));

        alertmanager(AlertsEndToEndTest.amWebhook("resolved", "12840", "resolved"));
        Eventually.await("the relay told of the resolve", WAIT, () -> received().size() == 3);
        assertThat(received().get(2).get("event").asText()).isEqualTo("resolve");
        assertThat(received().get(2).get("dedup_key").asText()).isEqualTo("opsbot:alert-group:1");

        Thread.sleep(1_500); // two more worker ticks: nothing is sent twice
        assertThat(received()).hasSize(3);
    }
}
