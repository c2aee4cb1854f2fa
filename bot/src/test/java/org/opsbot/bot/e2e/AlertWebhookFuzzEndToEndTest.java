package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.WebhookSource;
import org.opsbot.commands.alert.WebhookFuzz;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The intake fuzz ({@link WebhookFuzz}) through the real door, fewer tries than the engine's
 * {@code WebhookFuzzTest}: random webhooks of each format, valid and broken alerts mixed, posted
 * with the bearer token to the running bot. Every answer is 200 and names each broken alert with
 * its reason, every valid alert is in the database, and the rejected meter counts each reason.
 */
class AlertWebhookFuzzEndToEndTest {
    static final int TRIES_PER_FORMAT = 6;
    static final long SEED = Long.getLong("opsbot.fuzz.seed", new SplittableRandom().nextLong());
    static final String TOKEN = "fuzz-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runbooks;

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final HttpClient http = HttpClient.newHttpClient();
    private Bot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    @Test
    void randomWebhooksOfEveryFormatAreAnswered200StoreTheirValidAlertsAndNameAndCountTheirBrokenOnes() throws Exception {
        bot = Bot.start(new Settings(Optional.of("xoxb-e2e"), Optional.of("fuzz-signing-secret"), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks, Path.of("templates"),
                List.of(TOKEN), Optional.of("T0FUZZ0001")), ExampleText.onTheWallClock(), Clock.systemUTC());

        Set<String> valid = new HashSet<>();
        Map<String, Integer> rejectedByMeter = new TreeMap<>();
        List<WebhookSource> sources = AlertSources.webhooks();
        for (int format = 0; format < sources.size(); format++) {
            WebhookSource source = sources.get(format);
            String path = source.key();
            for (int i = 0; i < TRIES_PER_FORMAT; i++) {
                WebhookFuzz.Case webhook = WebhookFuzz.generate(source, SEED + 1_000L * format + i);
                String what = "(replay with -Dopsbot.fuzz.seed=" + SEED + ") " + webhook.describe();

                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/" + path))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body())).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).as(what).isEqualTo(200);
                JsonNode body = JSON.readTree(answer.body());
                assertThat(body.path("accepted").asInt()).as(what).isEqualTo(webhook.valid().size());
                assertThat(body.path("rejected").asInt()).as(what).isEqualTo(webhook.broken().size());
                List<JsonNode> problems = new ArrayList<>();
                body.path("problems").forEach(problems::add);
                assertThat(problems).as(what).extracting(p -> p.path("index").asInt(), p -> p.path("reason").asText())
                        .containsExactlyElementsOf(webhook.broken().stream()
                                .map(e -> tuple(e.index(), e.broken().orElseThrow().name().toLowerCase(Locale.ROOT).replace('_', '-')))
                                .toList());
                assertThat(problems).as(what).allSatisfy(p -> assertThat(p.path("problem").asText()).isNotBlank());
                webhook.valid().forEach(e -> valid.add(e.fingerprint().orElseThrow()));
                webhook.broken().forEach(e -> rejectedByMeter.merge(source.key() + " "
                        + e.broken().orElseThrow().name().toLowerCase(Locale.ROOT).replace('_', '-'), 1, Integer::sum));
            }
        }

        AlertStore store = new AlertStore(bot.database());
        Set<String> stored = new HashSet<>();
        for (long id = 1; store.group(id).isPresent(); id++) {
            store.alerts(id).stream().map(StoredAlert::fingerprint).forEach(stored::add);
        }
        assertThat(stored).as("seed " + SEED).containsExactlyInAnyOrderElementsOf(valid);

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        rejectedByMeter.forEach((sourceAndReason, count) -> {
            String[] parts = sourceAndReason.split(" ");
            assertThat(metrics).as("seed " + SEED).contains("opsbot_alerts_rejected_total{reason=\"" + parts[1] + "\",source=\""
                    + parts[0] + "\"} " + count + ".0");
        });
        assertThat(metrics).doesNotContain("status=\"500\"");
    }
}
