package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The page DM as the on-call engineer gets it, through the doors people use: Alertmanager
 * webhooks open groups, signed clicks and commands act on them, and the stand-in Slack shows
 * what reached the DM: its one post, its {@code chat.update}s and the replies in its thread.
 */
class PageDmEndToEndTest {
    private static final String SECRET = "page-dm-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final String BOB = "U0BOB00001";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    @Test
    void anAckInTheChannelAndThenAResolveRedrawTheOnCallsPageDm() throws Exception {
        fires(1);
        Eventually.await("Bob paged", WAIT, () -> dmPosts().size() == 1);
        RateLimitedSlack.Call page = dmPosts().getFirst();
        assertThat(page.get("text")).contains("You are paged: P1 #1 Lag01 — Replication lag is 1001 changes");
        assertThat(page.get("blocks")).contains("#cdc-alerts", "Group `1`", "runbook `cdc-lag`", "Not acknowledged",
                "escalation.ack", "escalation.escalate");

        click(BOB, "C000000001", "alert.ack", "1");
        Eventually.await("the DM says who acknowledged it, with no buttons left", WAIT, () -> updatesOf(page).stream()
                .anyMatch(u -> u.get("blocks").contains("*Acknowledged* by <@U0BOB00001> at <!date^")
                        && !u.get("blocks").contains("escalation.ack")));
        assertThat(updatesOf(page).getLast().get("blocks")).as("a link to the group's message in the channel")
                .contains("https://slack.com/archives/");

        ops(BOB, "resolve 1");
        Eventually.await("the DM says it is resolved", WAIT, () -> updatesOf(page).stream()
                .anyMatch(u -> u.get("blocks").contains("*Resolved* by <@U0BOB00001>") && !u.get("blocks").contains("\"actions\"")));
        assertThat(dmPosts()).as("redrawn in place, never posted again").hasSize(1);
    }

    @Test
    void aStormPagesTheOnCallInOneDmWhoseAcknowledgeAllAcknowledgesEachAndALaterGroupIsToldInItsThread() throws Exception {
        int groups = 12;
        for (int n = 1; n <= groups; n++) {
            fires(n);
        }
        Eventually.await("Bob paged", WAIT, () -> !dmPosts().isEmpty());
        RateLimitedSlack.Call dm = dmPosts().getFirst();
        Eventually.await("the one DM lists every group", WAIT, () -> shown(dm).contains(groups + " alert groups in #cdc-alerts are paging you"));
        assertThat(dmPosts()).as("one DM post for the storm, not one per group").hasSizeLessThanOrEqualTo(3);

        // A group that joins later is told in the DM's thread: an edit does not notify.
        clock.advance(Duration.ofSeconds(60));
        fires(13);
        Eventually.await("the joiner is told in the DM's thread", WAIT, () -> threadOf(dm).stream()
                .anyMatch(r -> r.get("text").contains("Also paging you: *P1* ") && r.get("text").contains("#13 Lag13")));
        Eventually.await("and listed in the DM", WAIT, () -> shown(dm).contains("13 alert groups in #cdc-alerts are paging you"));

        ops(BOB, "ack 2");
        ops(BOB, "resolve 3");
        Eventually.await("the DM shows both", WAIT, () -> shown(dm).contains("11 still open"));
        click(BOB, "D0BOB00001", "escalation.ack-all", ackAllValue(dm));
        Eventually.await("Acknowledge all says what it did", WAIT, () -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> "D0BOB00001".equals(c.get("channel")) && c.get("text").contains("Acknowledged 11 pages")));
        String answer = slack.calls("chat.postMessage").stream().filter(c -> "D0BOB00001".equals(c.get("channel")))
                .map(c -> c.get("text")).filter(t -> t.contains("Acknowledged 11")).findFirst().orElseThrow();
        assertThat(answer).contains("Already acknowledged: #2 Lag02", "Already resolved: #3 Lag03");
        Eventually.await("the DM has nothing left to acknowledge", WAIT, () -> shown(dm).contains("None of them is open any more")
                && !shown(dm).contains("escalation.ack-all"));
        assertThat(dmPosts()).hasSizeLessThanOrEqualTo(3);
    }

    /** Alert group {@code n}: its own alert, critical (P1 for cdc), with a value in its summary and a runbook. */
    private void fires(int n) throws Exception {
        String body = """
                {"receiver":"opsbot","status":"firing","alerts":[{"status":"firing",
                 "labels":{"alertname":"Lag%1$02d","team":"cdc","severity":"critical","connector":"connector-%1$d"},
                 "annotations":{"summary":"Replication lag is %2$d changes","runbook":"cdc-lag"},
                 "startsAt":"2026-01-13T09:58:07.311Z","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"http://prometheus:9090/graph","fingerprint":"lag%1$04d"}],
                 "groupLabels":{"alertname":"Lag%1$02d"},"commonLabels":{"alertname":"Lag%1$02d","team":"cdc"},
                 "commonAnnotations":{},"externalURL":"http://127.0.0.1:1","version":"4",
                 "groupKey":"{}/{team=\\"cdc\\"}:{alertname=\\"Lag%1$02d\\"}","truncatedAlerts":0}"""
                .formatted(n, 1000 + n);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(200);
    }

    /** The DMs posted to Bob, not their thread replies. */
    private List<RateLimitedSlack.Call> dmPosts() {
        return slack.directMessages().stream().filter(c -> BOB.equals(c.get("channel")) && !c.isReply()).toList();
    }

    private List<RateLimitedSlack.Call> updatesOf(RateLimitedSlack.Call post) {
        String ts = slack.tsOf(post);
        return slack.calls("chat.update").stream().filter(u -> ts.equals(u.get("ts"))).toList();
    }

    private List<RateLimitedSlack.Call> threadOf(RateLimitedSlack.Call post) {
        String ts = slack.tsOf(post);
        return slack.calls("chat.postMessage").stream().filter(c -> ts.equals(c.get("thread_ts"))).toList();
    }

    /** The DM as Slack shows it now: its newest update, or its post. */
    private String shown(RateLimitedSlack.Call post) {
        List<RateLimitedSlack.Call> updates = updatesOf(post);
        RateLimitedSlack.Call newest = updates.isEmpty() ? post : updates.getLast();
        return newest.get("text") + "\n" + newest.get("blocks");
    }

    private String ackAllValue(RateLimitedSlack.Call post) throws Exception {
        List<RateLimitedSlack.Call> updates = updatesOf(post);
        JsonNode blocks = JSON.readTree((updates.isEmpty() ? post : updates.getLast()).get("blocks"));
        for (JsonNode block : blocks) {
            for (JsonNode element : block.path("elements")) {
                if ("escalation.ack-all".equals(element.path("action_id").asText())) {
                    return element.path("value").asText();
                }
            }
        }
        throw new AssertionError("no Acknowledge all in " + blocks);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void click(String user, String channel, String actionId, String value) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "someone", channel, "1700000.000200", actionId, value, false);
        assertThat(send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body))
                .statusCode()).isEqualTo(200);
    }

    private void ops(String user, String text) throws Exception {
        HttpResponse<String> response = send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)));
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
