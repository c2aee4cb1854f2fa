package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An alert group whose opener died between committing it and publishing it (kill -9, a lost
 * database connection) is not left silent until its source sends it again: the bot finds it and
 * posts it and starts its escalation, and a group opened normally is never posted twice.
 */
class UnfinishedAlertOpeningEndToEndTest {
    private static final String SECRET = "unfinished-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final OpsbotConfig config = ConfigLoader.bundledExample().require();
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void start() {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, config, clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
    }

    private List<String> paged() {
        return slack.directMessages().stream().filter(c -> c.get("text").startsWith("You are paged"))
                .map(c -> c.get("channel")).toList();
    }

    /**
     * Has the scheduler run its jobs now, and gives what they would post the time to reach Slack
     * (a top-level post goes before the thread notes waiting in its channel).
     */
    private void aSweepRuns() throws InterruptedException {
        bot.wakeScheduler();
        Thread.sleep(2_000);
    }

    private HttpResponse<String> webhook(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long parentPostsOf(String alertname) {
        return slack.channelPosts().stream().filter(c -> !c.isReply())
                .filter(c -> String.valueOf(c.get("attachments")).contains(alertname)).count();
    }

    @Test
    void aGroupStoredByAnOpenerThatDiedIsPostedAndPagesItsOnCallWithoutWaitingForTheSource() throws Exception {
        // The intake committed the group, then its process died before publishing it: what the
        // request did is in the database, and nothing was queued for Slack or escalation.
        String orphan = AlertsEndToEndTest.amWebhook("firing", "12840", "firing");
        new Alerts(bot.database(), config, clock)
                .receive(AlertSources.webhook("alertmanager").parse(orphan.getBytes(StandardCharsets.UTF_8)));
        // A group opened normally at the same time, through the door Alertmanager uses.
        String healthy = orphan.replace("CDCReplicationLagHigh", "CDCConnectorFailed");
        assertThat(webhook(healthy).statusCode()).isEqualTo(200);
        Eventually.await("the healthy group posted", WAIT, () -> parentPostsOf("CDCConnectorFailed") == 1);
        // Past the sweep's 15 s, within the 30 s grace: a sweep runs, and leaves a live opener its chance.
        clock.advance(Duration.ofSeconds(16));
        aSweepRuns();
        assertThat(parentPostsOf("CDCReplicationLagHigh")).as("within the grace, a live opener may still publish it").isZero();

        clock.advance(Duration.ofSeconds(15));
        bot.wakeScheduler();
        Eventually.await("the orphaned group posted", WAIT, () -> parentPostsOf("CDCReplicationLagHigh") == 1);
        // Within two minutes of each other, both pages go into one DM.
        Eventually.await("both groups page the on-call engineer", WAIT, () -> slack.pageNotes().size() == 2
                && paged().equals(List.of("U0BOB00001")));

        clock.advance(Duration.ofSeconds(31));
        aSweepRuns();
        assertThat(parentPostsOf("CDCReplicationLagHigh")).as("finished once").isEqualTo(1);
        assertThat(parentPostsOf("CDCConnectorFailed")).as("a normal opening is never finished again").isEqualTo(1);
        assertThat(paged()).hasSize(1);
        assertThat(slack.pageNotes()).as("each group paged once").hasSize(2);
    }

    @Test
    void aGroupSentAgainBeforeItsParentIsPostedGetsItsParentBeforeItsFirstTierIsTold() throws Exception {
        // The opener committed the group and has not posted it (it died, or it is another replica
        // still on its way) when the source sends the group again, with a second alert.
        new Alerts(bot.database(), config, clock).receive(AlertSources.webhook("alertmanager")
                .parse(AlertsEndToEndTest.amWebhook("firing", "12840", "firing").getBytes(StandardCharsets.UTF_8)));
        assertThat(webhook(AlertsEndToEndTest.amWebhook("firing", "12840", "firing", "firing")).statusCode()).isEqualTo(200);

        Eventually.await("the group posted", WAIT, () -> parentPostsOf("CDCReplicationLagHigh") == 1);
        Eventually.await("tier 1's note in the group's thread", WAIT, () -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> c.isReply() && String.valueOf(c.get("text")).startsWith(":mega: Tier 1")));
        assertThat(paged()).containsExactly("U0BOB00001");
    }
}
