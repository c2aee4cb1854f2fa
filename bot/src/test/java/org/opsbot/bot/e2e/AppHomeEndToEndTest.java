package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The App Home and {@code /ops approvals} through the doors people use: a signed
 * {@code app_home_opened} event publishes the person's Home through the outbox to the stand-in
 * Slack's {@code views.publish}, changes publish it again (a burst of them once), and signed
 * {@code /ops} commands list approvals and default to the caller's team. One bot for both
 * scenarios; neither depends on what the other did.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppHomeEndToEndTest {
    private static final String SECRET = "home-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final String ALICE = "U0ALICE001";
    private static final String LEAD = "U0LEAD0001";
    private static final String BOB = "U0BOB00001";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week, Alice the next one.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private Bot bot;

    @TempDir
    static Path dir;

    @BeforeAll
    void start() throws Exception {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), """
                slack:
                  default-channel: "#alerts"
                roles:
                  responders: [U0ALICE001]
                  approvers: [U0LEAD0001]
                schedules:
                  cdc-primary:
                    time-zone: Europe/Berlin
                    rotation: weekly
                    start: 2026-01-05
                    hand-off: "Mon 09:00"
                    members: [U0ALICE001, U0BOB00001]
                teams:
                  cdc:
                    channel: "#cdc-alerts"
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call engineer, notify: ["schedule:cdc-primary"]}
                  web:
                    channel: "#web-alerts"
                    members: [U0WEB00001]
                routes:
                  - {match: {team: web}, team: web}
                  - {team: cdc}
                permissions:
                  run: [responders, approvers]
                  maintenance: [responders]
                """);
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("cdc.yaml"), """
                name: cdc
                title: CDC pipeline
                team: cdc
                actions:
                  restart-connector:
                    title: Restart a connector
                    params:
                      connector: {enum: [sqlserver-source-connector]}
                    http: {method: POST, url: "http://127.0.0.1:9/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                """);
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), config, runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigParser.parse(config).require(), clock);
    }

    @AfterAll
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    @Test
    void openingTheHomePublishesEachSectionAndABurstOfChangesRepublishesItOnce() throws Exception {
        assertThat(ops(ALICE, "run cdc/restart-connector connector=sqlserver-source-connector the source is stuck"))
                .contains("Restart a connector");
        Eventually.await("the request posted", WAIT, () -> posts("Approval needed") == 1);
        ops(ALICE, "incident declare P2 team=cdc Checkout is slow");
        Eventually.await("the incident announced", WAIT, () -> posts("Checkout is slow") >= 1);
        // A page DM of its own, or (when the other scenario paged him first) a reply in the DM
        // gathering his pages.
        Eventually.await("Bob, on call, paged for it", WAIT, () -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> String.valueOf(c.get("text")).contains("Checkout is slow")
                        && (BOB.equals(c.get("channel")) || String.valueOf(c.get("text")).contains("paging you"))));
        alert("CDCReplicationLagHigh", "critical");

        event(ALICE, "Ev0HOMEALI1");
        Eventually.await("Alice's Home published", WAIT, () -> homes(ALICE).size() == 1);
        String home = homes(ALICE).getFirst();
        assertThat(home).contains("\"type\":\"home\"")
                .contains("Teams: *cdc* · times in UTC")
                .contains("You are not on call now")
                // Her next week on cdc-primary, in UTC as the stand-in Slack gives no time zone.
                .contains("cdc-primary: Mon 19 Jan 08:00 – Mon 26 Jan 08:00")
                .contains("Open alert groups of your teams (1)").contains("CDCReplicationLagHigh")
                .contains("\"action_id\":\"alert.ack\"")
                .contains("Approvals waiting for you (0)")
                .contains("Your requests waiting for approval (1)").contains("Restart a connector")
                .contains("Your open incidents (1)").contains("Checkout is slow")
                .contains("Maintenance of your teams").contains("No maintenance running or planned");

        event(BOB, "Ev0HOMEBOB1");
        Eventually.await("Bob's Home published", WAIT, () -> homes(BOB).size() == 1);
        assertThat(homes(BOB).getFirst()).contains("You are on call now")
                .contains("*now* cdc-primary: Mon 12 Jan 08:00 – Mon 19 Jan 08:00")
                .as("paged for the incident he does not command").contains("Your open incidents (1)").contains("Checkout is slow");

        event(LEAD, "Ev0HOMELEA1");
        Eventually.await("the lead's Home published", WAIT, () -> homes(LEAD).size() == 1);
        assertThat(homes(LEAD).getFirst()).contains("Teams: *no team yet*")
                .contains("Approvals waiting for you (1)").contains("sqlserver-source-connector")
                .doesNotContain("CDCReplicationLagHigh");

        // Three groups open while the clock stands still: within the gap, nothing is published.
        alert("DiskAlmostFull", "warning");
        alert("KafkaConsumerLag", "warning");
        alert("DebeziumTaskFailed", "critical");
        clock.advance(Duration.ofSeconds(6));
        bot.wakeScheduler();
        Eventually.await("Alice's Home shows all four groups", WAIT, () -> homes(ALICE).size() > 1
                && homes(ALICE).getLast().contains("Open alert groups of your teams (4)"));
        assertThat(homes(ALICE)).as("the three openings make one refresh").hasSize(2);
        String refreshed = homes(ALICE).getLast();
        assertThat(refreshed.indexOf("DebeziumTaskFailed")).as("most severe first")
                .isLessThan(refreshed.indexOf("DiskAlmostFull"));
        assertThat(homes(LEAD)).as("nothing the lead sees changed").hasSize(1);

        // The Home's Acknowledge acts as the channel message's: the group is acknowledged there.
        assertThat(send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM,
                SlackPayloads.homeBlockActions(TEAM, ALICE, "alert.ack", "1"))).statusCode()).isEqualTo(200);
        Eventually.await("the group's message shows the ack", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> String.valueOf(u.get("attachments")).contains("Acknowledged by <@U0ALICE001>")));
        clock.advance(Duration.ofSeconds(6));
        bot.wakeScheduler();
        Eventually.await("and so does Alice's Home", WAIT, () -> homes(ALICE).size() == 3);
        assertThat(homes(ALICE).getLast()).contains("acknowledged by <@U0ALICE001>");

        // Maintenance of her team shows on her Home, not on the lead's.
        assertThat(ops(ALICE, "maintenance start cdc 2h Patching the Connect hosts")).contains("Maintenance #");
        clock.advance(Duration.ofSeconds(6));
        bot.wakeScheduler();
        Eventually.await("Alice's Home shows the window", WAIT, () -> homes(ALICE).getLast().contains(":construction: *now* cdc"));
        assertThat(homes(ALICE).getLast()).contains("until Tue 13 Jan 12:0").contains("Patching the Connect hosts");
        assertThat(homes(LEAD)).as("not the lead's team").hasSize(1);

        opsApprovalsListsWhatWaitsForTheCallerWithTheRequestsButtons();
    }

    private void opsApprovalsListsWhatWaitsForTheCallerWithTheRequestsButtons() throws Exception {
        assertThat(ops(LEAD, "approvals")).contains("Waiting for your approval (1)")
                .contains("Restart a connector").contains("sqlserver-source-connector").contains("<@U0ALICE001>")
                .contains("\"action_id\":\"action.approve\"").contains("\"action_id\":\"action.reject\"")
                .doesNotContain("Your requests waiting");
        assertThat(ops(ALICE, "approvals")).contains("Your requests waiting for approval (1)")
                .contains("Withdraw").doesNotContain("action.approve");
        assertThat(ops("U0NOBODY01", "approvals")).contains("No action requests wait for your approval");
    }

    @Test
    void commandsWithAnOptionalTeamDefaultToTheCallersOnlyTeam() throws Exception {
        alert("CDCReplicationLagHigh", "critical");
        Eventually.await("the group posted", WAIT, () -> posts("CDCReplicationLagHigh") >= 1);

        assertThat(ops(ALICE, "alerts")).contains("Open alert groups of cdc* (your team");
        assertThat(ops("U0WEB00001", "alerts")).contains("No open alert groups for web");
        assertThat(ops("U0WEB00001", "alerts all")).contains("CDCReplicationLagHigh");
        assertThat(ops("U0NOBODY01", "alerts")).contains("CDCReplicationLagHigh");
        assertThat(ops(ALICE, "oncall")).contains("cdc").doesNotContain("*web*");
        assertThat(ops(ALICE, "stats")).contains("Working out the stats for cdc");
        assertThat(ops(ALICE, "stats all 7d")).contains("Working out the stats for all teams");
        assertThat(ops(ALICE, "help")).contains("means your team when you belong to exactly one")
                .contains("`members:`");
    }

    private void alert(String alertname, String severity) throws Exception {
        String body = """
                {"receiver":"opsbot","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"%1$s",\
                "severity":"%2$s"},"annotations":{"summary":"%1$s fires"},"startsAt":"2026-01-13T09:58:07.311Z",\
                "endsAt":"0001-01-01T00:00:00Z","fingerprint":"fp-%1$s"}],"groupLabels":{"alertname":"%1$s"},\
                "commonLabels":{"alertname":"%1$s"},"commonAnnotations":{},"externalURL":"http://127.0.0.1:1",\
                "version":"4","groupKey":"{}:{alertname=\\"%1$s\\"}","truncatedAlerts":0}""".formatted(alertname, severity);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(200);
        Eventually.await(alertname + " posted", WAIT, () -> posts(alertname) >= 1);
    }

    private void event(String user, String eventId) throws Exception {
        HttpResponse<String> response = send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.JSON, SlackPayloads.appHomeOpened(TEAM, eventId, user)));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private List<String> homes(String user) {
        // Read as JSON: the view may escape < and > as \u003c and \u003e.
        return slack.calls("views.publish").stream().filter(c -> user.equals(c.get("user_id")))
                .map(c -> json(c.get("view"))).toList();
    }

    private static String json(String text) {
        try {
            return JSON.readTree(text).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long posts(String text) {
        return slack.calls("chat.postMessage").stream()
                .filter(c -> (c.get("blocks") != null && c.get("blocks").contains(text))
                        || (c.get("attachments") != null && c.get("attachments").contains(text))
                        || (c.get("text") != null && c.get("text").contains(text)))
                .count();
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
