package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.Main;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats from what really happened: an Alertmanager webhook opens a group, the on-call engineer
 * is paged and acknowledges three minutes later from the page; then {@code /ops stats} and
 * {@code opsbot stats --json} count that page and that time, and the chart reaches Slack as a PNG.
 */
class StatsEndToEndTest {
    private static final String SECRET = "stats-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final String HERE = "C2147483705";
    private static final Duration WAIT = Duration.ofSeconds(20);

    // Bob's profile is at hand, so the stats name him; a mention would notify him.
    private final RateLimitedSlack slack = new RateLimitedSlack().displayName("U0BOB00001", "Bob <Builder>");
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final String database = TestDatabases.sqliteUrl();
    private Bot bot;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        bot = start(database);
    }

    private Bot start(String db) {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, db, Path.of("opsbot.yaml"), dir,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        return Bot.start(settings, ConfigLoader.bundledExample().require(), clock);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    @Test
    void statsCountTheRealPageAndAckAndPostTheNumbersWithAChart() throws Exception {
        bobIsPagedAndAcksAfterThreeMinutes();

        assertThat(ops("U0ALICE001", "stats cdc 7d")).contains("Working out the stats for cdc");
        Eventually.await("the stats posted where asked", WAIT, () -> statsPost().isPresent());
        String stats = statsPost().get().get("blocks");
        assertThat(stats).contains("Stats for cdc")
                .contains("1 alert group* opened")
                .contains("1 page* sent (1 in business hours, 0 out of hours)")
                .contains("On-call engineer 1")
                // Opened at 10:00, acknowledged at 10:03: median and 90th percentile are both 3 m.
                .contains("P1* (1): 3 m / 3 m (1 of 1 within 5 m)")
                .contains("CDCReplicationLagHigh: 1 group")
                .contains("*Pages by person:* Bob &lt;Builder&gt; 1")
                .doesNotContain("<@U0BOB00001>");
        Eventually.await("the chart shared in the channel", WAIT,
                () -> slack.calls("files.completeUploadExternal").stream().anyMatch(c -> HERE.equals(c.get("channel_id"))));
        BufferedImage chart = ImageIO.read(new ByteArrayInputStream(slack.uploads().getLast()));
        assertThat(chart).as("a PNG").isNotNull();
        assertThat(chart.getWidth()).isBetween(600, 1600);
        assertThat(slack.uploads().getLast().length).isLessThan(300 * 1024);
    }

    @Test
    void aWrongPeriodOrTeamIsAnsweredWithAnExampleAndPostsNothing() throws Exception {
        assertThat(ops("U0ALICE001", "stats")).as("no period: the last seven days").contains("Working out the stats for all teams");
        assertThat(ops("U0ALICE001", "stats cdc 7x")).contains("is not a period").contains("`30d`");
        assertThat(ops("U0ALICE001", "stats cdx")).contains("There is no team").contains("Did you mean");
        assertThat(ops("U0ALICE001", "stats cdc from 2026-01-10 to 2026-01-01")).contains("ends (2026-01-01) before it starts");
        Eventually.await("the stats asked for correctly posted", WAIT, () -> statsPost().isPresent());
        Thread.sleep(500);
        assertThat(slack.calls("chat.postMessage").stream().filter(c -> c.get("blocks") != null
                && c.get("blocks").contains("Stats for"))).hasSize(1);
    }

    @Test
    void theWeeklyDigestIsPostedOnceOnMondayAndOpsbotStatsPrintsTheSameFiguresAsJson() throws Exception {
        bobIsPagedAndAcksAfterThreeMinutes();
        // Monday 19 January, 09:01 in Berlin (the zone of cdc's first schedule): the digest is due.
        clock.advance(Duration.between(clock.instant(), Instant.parse("2026-01-19T08:01:00Z")));
        bot.wakeScheduler();
        Eventually.await("the digest posted to the team's channel", WAIT, () -> digests().size() == 1);
        assertThat(digests().getFirst().get("blocks")).contains("Stats for cdc · 12 Jan – 18 Jan 2026")
                .contains("1 alert group* opened").contains("Weekly digest");
        Eventually.await("with its chart", WAIT, () -> !slack.calls("files.completeUploadExternal").isEmpty());
        bot.close();
        bot = start(database);
        // Each team's digest has its chart, the ones the first bot had not shared yet included.
        Eventually.await("one chart per team's digest", WAIT, () -> slack.uploads().size() == allDigests());
        // The new bot's digest round runs as it starts, and shares the charts the first had not; a
        // digest it posted again would go ahead of them in the channel's pace.
        Thread.sleep(1_000);
        assertThat(digests()).as("a restart does not post it again").hasSize(1);
        assertThat(slack.uploads()).as("nor its chart, nor another team's").hasSize(allDigests());
        bot.close();
        bot = null;

        Path config = Files.writeString(dir.resolve("opsbot.yaml"), ConfigLoader.exampleText());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main(Map.of("OPSBOT_CONFIG", config.toString(), "OPSBOT_DB", database)))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("stats", "--team", "cdc", "--since", "2026-01-07", "--until", "2026-01-13", "--zone", "UTC", "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("alertGroupsOpened").asInt()).isEqualTo(1);
        assertThat(json.at("/pages/sent").asInt()).isEqualTo(1);
        assertThat(json.at("/pages/byPerson/U0BOB00001").asInt()).isEqualTo(1);
        assertThat(json.at("/pages/byHourOfDay/10").asInt()).isEqualTo(1);
        assertThat(json.at("/severities/0/severity").asText()).isEqualTo("P1");
        assertThat(json.at("/severities/0/timeToAcknowledge/medianSeconds").asLong()).isEqualTo(180);
        assertThat(json.at("/severities/0/timeToAcknowledge/withinTarget").asInt()).isEqualTo(1);
        assertThat(json.at("/noisiestAlerts/0/alertname").asText()).isEqualTo("CDCReplicationLagHigh");

        assertThat(new CommandLine(new Main(Map.of("OPSBOT_CONFIG", config.toString(), "OPSBOT_DB", database)))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("stats", "--since", "7 days")).isEqualTo(2);
        assertThat(err.toString()).contains("Examples: --since 30d");
    }

    private void bobIsPagedAndAcksAfterThreeMinutes() throws Exception {
        String body = AlertsEndToEndTest.amWebhook("firing", "12840", "firing");
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(200);
        Eventually.await("Bob paged", WAIT, () -> slack.directMessages().stream()
                .anyMatch(c -> "U0BOB00001".equals(c.get("channel")) && c.get("text").startsWith("You are paged")));
        clock.advance(Duration.ofMinutes(3));
        String click = SlackPayloads.blockActions(TEAM, "U0BOB00001", "bob", "D0BOB00001", "1700000.000200",
                "escalation.ack", "alert-group:1", false);
        assertThat(send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, click))
                .statusCode()).isEqualTo(200);
        Eventually.await("acknowledged", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> u.get("attachments") != null && u.get("attachments").contains("Acknowledged by <@U0BOB00001>")));
    }

    private int allDigests() {
        return (int) slack.calls("chat.postMessage").stream()
                .filter(c -> c.get("blocks") != null && c.get("blocks").contains("Weekly digest")).count();
    }

    private List<RateLimitedSlack.Call> digests() {
        return slack.calls("chat.postMessage").stream()
                .filter(c -> c.get("blocks") != null && c.get("blocks").contains("Weekly digest")
                        && c.get("blocks").contains("Stats for cdc")).toList();
    }

    private Optional<RateLimitedSlack.Call> statsPost() {
        return slack.calls("chat.postMessage").stream()
                .filter(c -> c.get("blocks") != null && c.get("blocks").contains("Stats for")).findFirst();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
