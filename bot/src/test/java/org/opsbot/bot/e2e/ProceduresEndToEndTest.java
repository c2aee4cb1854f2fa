package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A procedure through the assembled bot, as people drive it: a signed {@code /ops procedure},
 * signed clicks on Done and Approve, WireMock as Slack's Web API and as the connector's REST API,
 * and the bot restarted on the same database while the procedure waits for an approval and
 * again while it waits for a tick.
 */
class ProceduresEndToEndTest {
    private static final String SECRET = "procedures-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String CHANNEL = "C2147483705";
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String LEAD = "U0LEAD0001";
    private static final String RESTART = "/connectors/sqlserver-source-connector/restart";
    // The sweep that notices an approved action runs every 5 s; starts and checks take a few more.
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern DONE = Pattern.compile("\"value\":\"(\\d+:\\d+)\"");
    private static final Pattern APPROVE = Pattern.compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"");

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final WireMockServer target = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String databaseUrl = TestDatabases.sqliteUrl();
    @TempDir
    Path dir;
    private Bot bot;

    @BeforeEach
    void slackAndConnectorsAreUp() {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://e2e.slack.com/","team":"E2E","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).willReturn(okJson("{\"ok\":true,\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        target.start();
        target.stubFor(get(urlPathEqualTo("/connectors/sqlserver-source-connector/status"))
                .willReturn(okJson("{\"connector\":{\"state\":\"RUNNING\"}}")));
        target.stubFor(post(urlPathEqualTo(RESTART)).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        stopBot();
        slack.stop();
        target.stop();
    }

    @Test
    void aProcedureRunsThroughManualCheckAndActionStepsAcrossTwoRestarts() throws Exception {
        startBot();
        assertThat(slash(ALICE, "procedure").body()).contains("cdc/recover-connector", "5 steps");
        assertThat(slash(BOB, "procedure cdc/recover-connector connector=sqlserver-source-connector").body())
                .doesNotContain("Starting");
        assertThat(slash(ALICE, "procedure cdc/recover-connector connector=middle").body())
                .contains("connector must be one of sqlserver-source-connector");

        assertThat(slash(ALICE, "procedure cdc/recover-connector connector=sqlserver-source-connector").body())
                .contains("Starting Recover a failed connector");
        awaitCall("the procedure's message", "chat.postMessage", "Procedure:", "channel=" + CHANNEL, "Read the connector");
        awaitMessage("the message waits for the first tick", "Read the connector", "waiting for Done", "procedure.done",
                "procedure.cancel");
        String first = doneButton("Read the connector");

        click(BOB, "procedure.done", first);
        awaitCall("someone without run may not tick", "chat.postEphemeral", "user=" + BOB);
        click(ALICE, "procedure.done", first);
        // The check passes and the restart asks for its approval, with Alice as the requester.
        String approve = approvalButton();
        awaitCall("the message shows the ticked step and the passed check", "chat.update",
                "done by <@" + ALICE + ">", "OK — 1/1 OK", "waiting for action request");
        click(ALICE, "procedure.done", first);
        awaitCall("a second tick is refused", "chat.postEphemeral", "user=" + ALICE, "step 1 is done already");

        restart();
        click(LEAD, "action.approve", approve);
        awaitCall("the approved restart ran", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 204");
        awaitCall("the procedure moved on to the next manual step", "chat.update", "Watch the replication lag",
                "waiting for Done", "Step 4 of 5");
        String fourth = doneButton("Step 4 of 5");
        assertThat(fourth).endsWith(":3");

        restart();
        click(ALICE, "procedure.done", fourth);
        awaitCall("the procedure finished", "chat.update", "Procedure done:", "Recover a failed connector");
        assertThat(target.findAll(postRequestedFor(urlEqualTo(RESTART)))).hasSize(1);
        String last = calls("chat.update").getLast();
        assertThat(last).doesNotContain("procedure.done", "procedure.cancel");
        assertThat(auditedSteps()).isEqualTo(6);
    }

    @Test
    void cancellingRedrawsBothMessagesAndTheirOldButtonsChangeNothing() throws Exception {
        startBot();
        assertThat(slash(ALICE, "procedure cdc/recover-connector connector=sqlserver-source-connector").body())
                .contains("Starting Recover a failed connector");
        awaitMessage("the message waits for the first tick", "Read the connector", "waiting for Done");
        String first = doneButton("Read the connector");
        String procedure = first.substring(0, first.indexOf(':'));
        click(ALICE, "procedure.done", first);
        String approve = approvalButton();

        click(LEAD, "procedure.cancel", procedure);
        awaitCall("the request is redrawn in place, withdrawn by whoever cancelled, and when", "chat.update",
                "Withdrawn:", "Withdrawn by <@" + LEAD + "> <!date^", "procedure #" + procedure + " (cdc/recover-connector) was cancelled");
        String request = calls("chat.update").stream().filter(b -> b.contains("Withdrawn:")).reduce((a, b) -> b).orElseThrow();
        assertThat(request).doesNotContain("action.approve", "action.reject", "action.break-glass");
        awaitCall("the procedure's message says who cancelled it and when", "chat.update", "Procedure cancelled:",
                "Cancelled by <@" + LEAD + "> · <!date^", "not finished: the procedure was cancelled here");
        String message = calls("chat.update").stream().filter(b -> b.contains("Procedure cancelled:")).reduce((a, b) -> b).orElseThrow();
        assertThat(message).doesNotContain("procedure.done", "procedure.cancel", "waiting for");

        click(LEAD, "action.approve", approve);
        awaitCall("an old Approve is answered", "chat.postEphemeral", "user=" + LEAD,
                "this request was withdrawn by <@" + LEAD + ">", "it will not run");
        click(ALICE, "action.reject", approve);
        awaitCall("an old Reject is answered", "chat.postEphemeral", "user=" + ALICE,
                "this request was withdrawn by <@" + LEAD + ">");
        click(ALICE, "procedure.done", first);
        awaitCall("an old Done is answered", "chat.postEphemeral", "user=" + ALICE,
                "this procedure was cancelled by <@" + LEAD + ">", "nothing was done");
        click(ALICE, "procedure.cancel", procedure);
        awaitCall("an old Cancel is answered", "chat.postEphemeral", "user=" + ALICE, "nothing was done");

        assertThat(target.findAll(postRequestedFor(urlEqualTo(RESTART)))).isEmpty();
        String states = bot.database().read(h -> h.createQuery("""
                        SELECT r.state || ' ' || r.outcome || ' ' || a.state FROM procedure_run r
                        JOIN procedure_step s ON s.run_id = r.id AND s.step = 2 JOIN action_request a ON a.id = s.action_request_id""")
                .mapTo(String.class).one());
        assertThat(states).isEqualTo("CANCELLED cancelled by " + LEAD + " REJECTED");
        long audited = bot.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit WHERE action IN ('procedure.cancel', 'action.withdraw')").mapTo(Long.class).one());
        assertThat(audited).isEqualTo(2);
    }

    private void startBot() throws Exception {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), """
                roles:
                  responders: [U0ALICE001]
                  approvers: [U0LEAD0001]
                teams:
                  cdc:
                    channel: C0CDC00001
                    responders: responders
                routes:
                  - {team: cdc}
                permissions:
                  run: [responders, approvers]
                """);
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("cdc.yaml"), """
                name: cdc
                title: CDC pipeline
                team: cdc
                checks:
                  - name: Source connector running
                    http:
                      url: %1$s/connectors/sqlserver-source-connector/status
                      json: /connector/state
                      equals: RUNNING
                actions:
                  restart-connector:
                    title: Restart a connector
                    params:
                      connector: {enum: [sqlserver-source-connector, postgres-sink-connector]}
                    http: {method: POST, url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                procedures:
                  recover-connector:
                    title: Recover a failed connector
                    params: [connector]
                    steps:
                      - manual: Read the connector's last error
                      - check: [Source connector running]
                      - action: restart-connector
                      - manual: Watch the replication lag come down
                      - check: all
                """.formatted(target.baseUrl()));
        OpsbotConfig opsbot = ConfigParser.parse(config).require();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, config, runbooks, Path.of("templates"), List.of(),
                Optional.of(TEAM));
        bot = Bot.start(settings, opsbot, Clock.systemUTC());
    }

    private void stopBot() {
        if (bot != null) {
            bot.close();
            bot = null;
        }
    }

    private void restart() throws Exception {
        stopBot();
        startBot();
    }

    private HttpResponse<String> send(String body) throws Exception {
        return http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        return send(SlackPayloads.slashCommand(TEAM, user, text));
    }

    private void click(String user, String actionId, String value) throws Exception {
        assertThat(send(SlackPayloads.blockActions(TEAM, user, "someone", CHANNEL, "1700000000.000900", actionId, value, false))
                .statusCode()).isEqualTo(200);
    }

    private List<String> calls(String method) {
        List<String> bodies = new ArrayList<>();
        for (LoggedRequest r : slack.findAll(postRequestedFor(urlEqualTo("/api/" + method)))) {
            bodies.add(URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private void awaitCall(String what, String method, String... parts) {
        Eventually.await(what, WAIT, () -> calls(method).stream().anyMatch(b -> List.of(parts).stream().allMatch(b::contains)));
    }

    /**
     * A procedure message showing {@code parts}, posted or updated: an update queued before its
     * post was sent is folded into the post.
     */
    private void awaitMessage(String what, String... parts) {
        Eventually.await(what, WAIT, () -> java.util.stream.Stream.concat(calls("chat.postMessage").stream(),
                calls("chat.update").stream()).anyMatch(b -> List.of(parts).stream().allMatch(b::contains)));
    }

    /** The value of the Done button of the latest procedure message that shows {@code step} waiting. */
    private String doneButton(String step) {
        List<String> messages = new ArrayList<>(calls("chat.postMessage"));
        messages.addAll(calls("chat.update"));
        String body = messages.stream().filter(b -> b.contains(step) && b.contains("procedure.done")).reduce((a, b) -> b).orElseThrow();
        Matcher m = DONE.matcher(body);
        assertThat(m.find()).as("the message has a Done button: " + body).isTrue();
        return m.group(1);
    }

    private String approvalButton() {
        awaitCall("the approval request is posted", "chat.postMessage", "Approval needed", "<@" + ALICE + "> asks to run");
        String body = calls("chat.postMessage").stream().filter(b -> b.contains("Approval needed")).reduce((a, b) -> b).orElseThrow();
        Matcher m = APPROVE.matcher(body);
        assertThat(m.find()).as("the request has an Approve button: " + body).isTrue();
        return m.group(1);
    }

    private long auditedSteps() {
        return bot.database().read(h -> h.createQuery("SELECT COUNT(*) FROM audit WHERE action = 'procedure.step' AND subject = :s")
                .bind("s", "cdc/recover-connector").mapTo(Long.class).one());
    }
}
