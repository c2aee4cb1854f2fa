package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.audit.AuditEntry;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.CheckRunStore;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Run runbook button of an alert group, through the assembled bot: an Alertmanager webhook
 * whose alert names a runbook, a signed click, and the runbook's checks (against WireMock)
 * reported in the group's thread, in one reply that is updated until it holds the report.
 */
class AlertRunbookEndToEndTest {
    @TempDir
    Path runbooks;

    static final String SECRET = "alert-runbook-e2e-signing-secret";
    static final String TEAM = "T0E2E00001";
    static final String TOKEN = "webhook-token-1";
    static final String CHANNEL = "C000000001";
    static final Duration WAIT = Duration.ofSeconds(30);

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final WireMockServer systems = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bot bot;

    @BeforeEach
    void systemsAndRunbook() throws Exception {
        systems.start();
        systems.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"UP\"}")));
        // Slower, so the reply shows progress before the report.
        systems.stubFor(get(urlEqualTo("/lag")).willReturn(okJson("{\"lag\":2500}").withFixedDelay(300)));
        Files.writeString(runbooks.resolve("cdc-lag.yaml"), """
                name: cdc-lag
                title: CDC replication lag
                team: cdc
                checks:
                  - name: Connect API health
                    http: {url: "%1$s/health", json: /status, equals: UP}
                  - name: Replication lag
                    http: {url: "%1$s/lag", json: /lag}
                    warn: "> 1000"
                    crit: "> 10000"
                """.formatted(systems.baseUrl()));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
        systems.stop();
    }

    private void start(OpsbotConfig config) {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, config, Clock.systemUTC());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    /** A firing Alertmanager group whose alert names its runbook in an annotation. */
    private void alertFires() throws Exception {
        String body = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"CDCReplicationLagHigh","team":"cdc","severity":"critical",
                  "connector":"connector-0","instance":"kafka-connect-0:8083","job":"kafka-connect"},
                  "annotations":{"summary":"Replication lag is 2500 on connector-0","runbook":"cdc-lag"},
                  "startsAt":"2026-11-22T02:58:07.311Z","endsAt":"0001-01-01T00:00:00Z",
                  "generatorURL":"http://prometheus:9090/graph?g0.expr=lag","fingerprint":"fp0000"}],
                 "groupLabels":{"alertname":"CDCReplicationLagHigh"},
                 "commonLabels":{"alertname":"CDCReplicationLagHigh","team":"cdc"},"commonAnnotations":{},
                 "externalURL":"http://127.0.0.1:1","version":"4",
                 "groupKey":"{}/{team=\\"cdc\\"}:{alertname=\\"CDCReplicationLagHigh\\"}","truncatedAlerts":0}""";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        Eventually.await("parent posted", WAIT, () -> !slack.channelPosts().isEmpty());
    }

    private RateLimitedSlack.Call parent() {
        return slack.channelPosts().getFirst();
    }

    /** Clicks the parent's Run runbook button, with the value AlertMessages gives it ("id:name"). */
    private void clickRunbook(String user, String value) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "steve", CHANNEL, slack.tsOf(parent()), "alert.run",
                value, false);
        HttpResponse<String> answer = http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
    }

    /**
     * The run's reply: "Running cdc-lag…" as posted, or already the report when the checks
     * finished before Slack took the post (the channel's one-post-a-second limit can hold it back,
     * and the outbox folds an update into a post not sent yet).
     */
    private List<RateLimitedSlack.Call> runbookReplies() {
        return slack.channelPosts().stream().filter(RateLimitedSlack.Call::isReply)
                .filter(c -> c.get("text").startsWith("Running cdc-lag") || c.get("text").startsWith("cdc-lag: ")).toList();
    }

    private List<RateLimitedSlack.Call> updatesOf(RateLimitedSlack.Call post) {
        String ts = slack.tsOf(post);
        return slack.calls("chat.update").stream().filter(u -> ts.equals(u.get("ts"))).toList();
    }

    /** The post as Slack shows it now: its last update, or the post itself. */
    private RateLimitedSlack.Call latest(RateLimitedSlack.Call post) {
        List<RateLimitedSlack.Call> updates = updatesOf(post);
        return updates.isEmpty() ? post : updates.getLast();
    }

    @Test
    void runRunbookRunsItsChecksAsTheClickerAndReportsInTheGroupsThread() throws Exception {
        start(ExampleText.onTheWallClock());
        alertFires();
        assertThat(parent().get("attachments")).contains("Run runbook cdc-lag", "alert.run", "1:cdc-lag");

        clickRunbook("U0ALICE001", "1:cdc-lag");

        Eventually.await("a reply in the thread", WAIT, () -> runbookReplies().size() == 1);
        RateLimitedSlack.Call reply = runbookReplies().getFirst();
        assertThat(reply.get("thread_ts")).isEqualTo(slack.tsOf(parent()));
        assertThat(reply.get("channel")).isEqualTo(CHANNEL);
        assertThat(reply.get("text")).matches("Running cdc-lag: [01]/2 checks done…|cdc-lag: WARN[\\s\\S]*");
        assertThat(reply.get("blocks")).contains("by <@U0ALICE001>");

        Eventually.await("the reply updated to the report", WAIT, () -> latest(reply).get("text").startsWith("cdc-lag: WARN"));
        RateLimitedSlack.Call report = latest(reply);
        assertThat(report.get("channel")).isEqualTo(CHANNEL);
        assertThat(report.get("text")).startsWith("cdc-lag: WARN — 1/2 OK, 1 WARN\nWARN Replication lag: ");
        assertThat(report.get("blocks")).contains("CDC replication lag", "Replication lag", "Connect API health",
                "by <@U0ALICE001>", "Run again");
        // The parent is never replaced by the report, and no second reply repeats it.
        assertThat(slack.calls("chat.update")).filteredOn(u -> u.get("ts").equals(slack.tsOf(parent())))
                .noneMatch(u -> u.get("text").startsWith("cdc-lag"));
        assertThat(slack.channelPosts()).filteredOn(RateLimitedSlack.Call::isReply)
                .noneMatch(c -> c.get("text").contains("runbook"));
        assertThat(systems.getAllServeEvents()).hasSize(2);

        assertThat(new CheckRunStore(bot.database()).latest("cdc-lag", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("U0ALICE001"));
        List<AuditEntry> audit = new AuditLog(bot.database(), Clock.systemUTC()).latest(50);
        assertThat(audit).filteredOn(e -> e.action().equals("alert.runbook")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("U0ALICE001");
            assertThat(e.subject()).isEqualTo("alert-group:1");
            assertThat(e.details().get("text").toString()).contains("cdc-lag");
        });
    }

    @Test
    void anUnknownRunbookIsAnsweredPrivatelyWithASuggestionAndRunsNothing() throws Exception {
        start(ExampleText.onTheWallClock());
        alertFires();

        clickRunbook("U0ALICE001", "1:cdc-lagg");

        Eventually.await("the clicker answered", WAIT, () -> !slack.calls("chat.postEphemeral").isEmpty());
        RateLimitedSlack.Call answer = slack.calls("chat.postEphemeral").getFirst();
        assertThat(answer.get("user")).isEqualTo("U0ALICE001");
        assertThat(answer.get("channel")).isEqualTo(CHANNEL);
        assertThat(answer.get("text")).isEqualTo("There is no runbook cdc-lagg. Did you mean cdc-lag?");
        assertThat(answer.get("blocks")).contains("There is no runbook `cdc-lagg`", "Did you mean `cdc-lag`?",
                "`/ops check` lists them all").doesNotContain("check.run");
        Thread.sleep(1_000);
        assertThat(runbookReplies()).isEmpty();
        assertThat(systems.getAllServeEvents()).isEmpty();
        assertThat(new AuditLog(bot.database(), Clock.systemUTC()).latest(50))
                .noneMatch(e -> e.action().equals("alert.runbook"));
    }

    @Test
    void theCheckPermissionDecidesAsForOpsCheckNotWhoMayActOnTheGroup() throws Exception {
        String yaml = ExampleText.withoutWindows().replace("permissions:\n", "permissions:\n  check: [approvers]\n");
        start(ConfigParser.parse(yaml, "opsbot.yaml").require());
        alertFires();

        // A responder of the team, but not in `check`'s roles: refused, privately.
        clickRunbook("U0ALICE001", "1:cdc-lag");
        Eventually.await("the responder refused", WAIT, () -> !slack.calls("chat.postEphemeral").isEmpty());
        assertThat(slack.calls("chat.postEphemeral").getFirst().get("text"))
                .startsWith(":no_entry: You may not run checks:").contains("approvers");

        // An approver, not a responder nor paged about this group: may run checks, as with /ops check.
        clickRunbook("U0LEAD0001", "1:cdc-lag");
        Eventually.await("the approver's report in the thread", WAIT, () -> runbookReplies().size() == 1
                && latest(runbookReplies().getFirst()).get("text").startsWith("cdc-lag: WARN"));
        assertThat(new CheckRunStore(bot.database()).latest("cdc-lag", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("U0LEAD0001"));
    }
}
