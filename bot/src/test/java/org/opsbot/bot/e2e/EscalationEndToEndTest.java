package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.FireLoop;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Escalation through the doors people use: an Alertmanager webhook opens a group, the bot
 * pages tier after tier as the (controlled) clock moves, and signed clicks on the page and on
 * the alert acknowledge and escalate it.
 */
class EscalationEndToEndTest {
    private static final String SECRET = "escalation-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void start() {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigLoader.bundledExample().require(), clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void alertFires() throws Exception {
        String body = AlertsEndToEndTest.amWebhook("firing", "12840", "firing");
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(200);
    }

    private void click(String user, String channel, String actionId, String value) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "someone", channel, "1700000.000200", actionId, value, false);
        assertThat(send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body))
                .statusCode()).isEqualTo(200);
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** What the escalation told a thread besides the pages (":mega: Escalation: …"). */
    private List<String> escalationNotes() {
        return slack.calls("chat.postMessage").stream().filter(RateLimitedSlack.Call::isReply)
                .map(c -> c.get("text")).filter(t -> t != null && t.startsWith(":mega: Escalation: ")).toList();
    }

    private List<String> paged() {
        return slack.directMessages().stream().filter(c -> c.get("text").startsWith("You are paged"))
                .map(c -> c.get("channel")).toList();
    }

    private void later(Duration d) throws InterruptedException {
        clock.advance(d);
        // Four rounds of the escalation loop, each of which would fire anything due.
        Thread.sleep(FireLoop.MAX_WAIT.multipliedBy(4).toMillis());
    }

    @Test
    void anUnacknowledgedAlertPagesTheNextTierWhenItsWaitRunsOutAndAnAckFromThePageStopsIt() throws Exception {
        alertFires();
        Eventually.await("on-call paged", WAIT, () -> paged().equals(List.of("U0BOB00001")));

        later(Duration.ofMinutes(29));
        assertThat(paged()).as("the team lead's wait has not run out").hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        // The Day team tier is for P2/P3 only, so a P1 goes from the on-call engineer to the lead.
        Eventually.await("team lead paged", WAIT, () -> paged().equals(List.of("U0BOB00001", "U0LEAD0001")));
        Eventually.await("the thread says who was paged", WAIT, () -> slack.pageNotes().size() == 2);
        assertThat(slack.pageNotes().get(1).get("text")).contains("Tier 3 (Team lead) paged <@U0LEAD0001>");
        Eventually.await("the parent shows the tier", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> String.valueOf(u.get("attachments")).contains("Escalation: tier 3 (Team lead) paged")));

        click("U0LEAD0001", "D0LEAD0001", "escalation.ack", "alert-group:1");
        Eventually.await("acknowledged in the channel", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> String.valueOf(u.get("attachments")).contains("Acknowledged by <@U0LEAD0001>")));
        Eventually.await("the page answers", WAIT, () -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> "D0LEAD0001".equals(c.get("channel")) && c.get("text").contains("Acknowledged")));

        later(Duration.ofMinutes(20));
        assertThat(paged()).as("acknowledged: the manager is not paged").hasSize(2);
    }

    @Test
    void anAckNotFollowedByAResolveEscalatesAgainAndTheEscalateButtonPagesTheNextTierAtOnce() throws Exception {
        alertFires();
        Eventually.await("on-call paged", WAIT, () -> paged().size() == 1);
        click("U0BOB00001", "C000000001", "alert.ack", "1");
        Eventually.await("acknowledged", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> String.valueOf(u.get("attachments")).contains("Acknowledged by <@U0BOB00001>")));

        // P1's resolve-within is 30 minutes: acknowledged but unresolved, it escalates again.
        later(Duration.ofMinutes(31));
        Eventually.await("paged again", WAIT, () -> paged().equals(List.of("U0BOB00001", "U0BOB00001")));

        click("U0ALICE001", "C000000001", "alert.escalate", "1");
        Eventually.await("the lead paged by hand", WAIT, () -> paged().contains("U0LEAD0001"));
        Eventually.await("the thread says who escalated", WAIT, () -> slack.pageNotes().stream()
                .anyMatch(n -> n.get("text").contains("paged <@U0LEAD0001> — escalated by <@U0ALICE001>")));
        assertThat(slack.pageNotes()).anySatisfy(n -> assertThat(n.get("text"))
                .contains("Tier 1 (On-call engineer) paged <@U0BOB00001> — acknowledged, but still not resolved"));
    }

    @Test
    void theOnCallEngineerWhoDeclaresAP1IsNotPagedForItAndTheLeadIsPagedAtItsTime() throws Exception {
        assertThat(ops("U0BOB00001", "incident declare P1 team=cdc Orders are not replicated")).contains("declared P1");
        Eventually.await("the thread says why Bob is not paged", WAIT, () -> escalationNotes().stream()
                .anyMatch(n -> n.contains("On-call engineer: <@U0BOB00001> declared it, so is not paged")));
        assertThat(paged()).as("Bob, on call, declared it and commands it").isEmpty();

        later(Duration.ofMinutes(29));
        assertThat(paged()).as("tier 1 counts as reached: the lead comes at tier 3's own time, not at once").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        Eventually.await("team lead paged", WAIT, () -> paged().equals(List.of("U0LEAD0001")));
    }

    @Test
    void whoUnacknowledgesAGroupIsNotPagedAgainAtOnce() throws Exception {
        alertFires();
        Eventually.await("on-call paged", WAIT, () -> paged().equals(List.of("U0BOB00001")));
        ops("U0BOB00001", "ack 1");
        Eventually.await("acknowledged", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> String.valueOf(u.get("attachments")).contains("Acknowledged by <@U0BOB00001>")));

        ops("U0BOB00001", "unack 1");
        Eventually.await("the thread says why Bob is not paged", WAIT, () -> escalationNotes().stream()
                .anyMatch(n -> n.contains("On-call engineer: <@U0BOB00001> unacknowledged it, so is not paged")));
        assertThat(paged()).as("his own unack does not page him").containsExactly("U0BOB00001");

        later(Duration.ofMinutes(29));
        assertThat(paged()).containsExactly("U0BOB00001");
        clock.advance(Duration.ofMinutes(1));
        Eventually.await("team lead paged at its time", WAIT, () -> paged().equals(List.of("U0BOB00001", "U0LEAD0001")));
    }
}
