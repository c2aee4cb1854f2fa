package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.RealAlertmanager;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The Silence choice creates a real silence in the Alertmanager that sent the group, and Expire removes it. */
class AlertmanagerSilenceEndToEndTest {
    // An empty runbooks folder: these tests are about alerts.
    @org.junit.jupiter.api.io.TempDir
    Path runbooks;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(AlertsEndToEndTest.SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private RealAlertmanager alertmanager;
    private Bot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        slack.close();
    }

    @Test
    void silencingAGroupCreatesASilenceWithAuthorCommentAndExpiryInItsAlertmanagerAndExpiringItRemovesIt() throws Exception {
        alertmanager = RealAlertmanager.start();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(AlertsEndToEndTest.SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(AlertsEndToEndTest.TOKEN), Optional.of(AlertsEndToEndTest.TEAM));
        bot = Bot.start(settings, ExampleText.onTheWallClock(), Clock.systemUTC());

        String webhook = AlertsEndToEndTest.amWebhook("firing", "12840", "firing")
                .replace("http://127.0.0.1:1", alertmanager.url);
        http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + AlertsEndToEndTest.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(webhook)).build(), HttpResponse.BodyHandlers.ofString());
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);

        Instant before = Instant.now();
        click("alert.silence", "1:PT4H", true);
        Eventually.await("silence told in the thread", WAIT, () -> slack.channelPosts().size() == 2);

        JsonNode silence = JSON.readTree(alertmanager.silences()).get(0);
        assertThat(silence.path("status").path("state").asText()).isEqualTo("active");
        assertThat(silence.path("createdBy").asText()).isEqualTo("opsbot for steve (U0ALICE001)");
        assertThat(silence.path("comment").asText()).contains("alert group 1", "CDCReplicationLagHigh");
        assertThat(silence.path("matchers").toString()).contains("\"name\":\"alertname\"", "\"value\":\"CDCReplicationLagHigh\"");
        Instant ends = Instant.parse(silence.path("endsAt").asText());
        assertThat(Duration.between(before, ends)).isBetween(Duration.ofHours(4).minusMinutes(1), Duration.ofHours(4).plusMinutes(1));
        RateLimitedSlack.Call note = slack.channelPosts().get(1);
        assertThat(note.get("text")).contains("<@U0ALICE001> silenced it in Alertmanager until", silence.path("id").asText());
        assertThat(note.get("blocks")).contains("Expire silence");
        Eventually.await("the clicker told what happened", WAIT, () -> slack.calls("chat.postEphemeral").size() == 1);
        assertThat(slack.calls("chat.postEphemeral").getFirst().get("text"))
                .startsWith(":mute: Silenced #1 *CDCReplicationLagHigh* in Alertmanager until <!date^" + ends.getEpochSecond() + "^")
                .endsWith(": it sends nothing until then.");

        click("alert.unsilence", "1", false);
        Eventually.await("silence expired", WAIT, () -> {
            try {
                return JSON.readTree(alertmanager.silences()).get(0).path("status").path("state").asText().equals("expired");
            } catch (Exception e) {
                return false;
            }
        });
        Eventually.await("expiry told in the thread", WAIT, () -> slack.channelPosts().size() == 3);
        assertThat(slack.channelPosts().get(2).get("text")).contains("<@U0ALICE001> expired the silence");
        Eventually.await("the clicker told again", WAIT, () -> slack.calls("chat.postEphemeral").size() == 2);
        assertThat(slack.calls("chat.postEphemeral").get(1).get("text"))
                .isEqualTo(":loud_sound: Removed the Alertmanager silence of #1 *CDCReplicationLagHigh*: its alerts come through again.");
    }

    private void click(String actionId, String value, boolean select) throws Exception {
        String body = SlackPayloads.blockActions(AlertsEndToEndTest.TEAM, "U0ALICE001", "steve", "C000000001",
                "1700000.000100", actionId, value, select);
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, body), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
