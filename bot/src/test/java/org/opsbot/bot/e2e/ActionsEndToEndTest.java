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
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actions through the assembled bot: signed slash commands, button clicks and modal
 * submissions in, WireMock as Slack's Web API and another WireMock as the action's target.
 */
class ActionsEndToEndTest {
    private static final String SECRET = "actions-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TEAM_CHANNEL = "C0CDC00001";
    private static final String ASKED_IN = "C2147483705";
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String LEAD1 = "U0LEAD0001";
    private static final String LEAD2 = "U0LEAD0002";
    private static final String FIREFIGHTER = "U0FIRE0001";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern BUTTON_VALUE = Pattern.compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"");

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final WireMockServer target = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String databaseUrl = TestDatabases.sqliteUrl();
    @TempDir
    Path dir;
    private Bot bot;

    @BeforeEach
    void slackAndTargetAreUp() {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://e2e.slack.com/","team":"E2E","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + TEAM_CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + TEAM_CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).willReturn(okJson("{\"ok\":true,\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/views.open")).willReturn(okJson("{\"ok\":true,\"view\":{\"id\":\"V1\"}}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        target.start();
        target.stubFor(post(urlPathEqualTo("/connectors/sqlserver-source-connector/restart"))
                .willReturn(aResponse().withStatus(204)));
        target.stubFor(put(urlPathEqualTo("/connectors/postgres-sink-connector/pause"))
                .willReturn(aResponse().withStatus(202).withBody("{\"paused\": true}")));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
        target.stop();
    }

    private void startBot() throws Exception {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), """
                slack:
                  default-channel: "#alerts"
                roles:
                  responders: [U0ALICE001, U0BOB00001, U0FIRE0001]
                  approvers: [U0LEAD0001, U0LEAD0002, "@leads"]
                  emergency: [U0FIRE0001]
                teams:
                  cdc:
                    channel: C0CDC00001
                    responders: responders
                routes:
                  - {team: cdc}
                permissions:
                  run: [responders, approvers]
                  audit: [approvers]
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
                      connector: {enum: [sqlserver-source-connector, postgres-sink-connector]}
                    http:
                      method: POST
                      url: %1$s/connectors/{{connector}}/restart
                    approval: {role: approvers, count: 1, within: 30m}
                  quick-restart:
                    title: Restart, approve within seconds
                    params:
                      connector: {enum: [sqlserver-source-connector]}
                    http: {url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 1s}
                  pause-connector:
                    title: Pause a connector
                    params:
                      connector: {pattern: "[a-z0-9./%%-]{1,64}"}
                    http: {method: PUT, url: "%1$s/connectors/{{connector}}/pause"}
                    risk: low
                """.formatted(target.baseUrl()));
        OpsbotConfig opsbot = ConfigParser.parse(config).require();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, config, runbooks, Path.of("templates"), List.of(),
                Optional.of(TEAM));
        bot = Bot.start(settings, opsbot, Clock.systemUTC());
    }

    private HttpResponse<String> send(String body) throws Exception {
        return http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        return send(SlackPayloads.slashCommand(TEAM, user, text));
    }

    private HttpResponse<String> click(String user, String actionId, String value) throws Exception {
        return send(SlackPayloads.blockActions(TEAM, user, "someone", TEAM_CHANNEL, "1700000000.000900", actionId, value, false));
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

    private String approvalButton() {
        awaitCall("the approval request is posted", "chat.postMessage", "Approval needed", "channel=" + TEAM_CHANNEL);
        String body = calls("chat.postMessage").stream().filter(b -> b.contains("Approval needed")).reduce((a, b) -> b).orElseThrow();
        Matcher m = BUTTON_VALUE.matcher(body);
        assertThat(m.find()).as("the request has an Approve button: " + body).isTrue();
        return m.group(1);
    }

    private int targetCalls(String path) {
        return target.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    @Test
    void aLeadApprovesAnotherPersonsRequestAndItRunsOnceWithItsResultInTheThread() throws Exception {
        startBot();
        HttpResponse<String> ack = slash(ALICE, "run cdc/restart-connector connector=sqlserver-source-connector the source is stuck since 02:00");
        assertThat(ack.body()).contains("Asking for approval of Restart a connector");

        String button = approvalButton();
        String request = calls("chat.postMessage").stream().filter(b -> b.contains("Approval needed")).findFirst().orElseThrow();
        assertThat(request).contains("<@" + ALICE + "> asks to run `cdc/restart-connector`",
                "POST " + target.baseUrl() + "/connectors/sqlserver-source-connector/restart",
                "the source is stuck since 02:00", "<!date^", "Reject");

        click(ALICE, "action.approve", button);
        awaitCall("self-approval refused", "chat.postEphemeral", "user=" + ALICE, "someone else must approve it");
        click(BOB, "action.approve", button);
        awaitCall("non-approver refused", "chat.postEphemeral", "user=" + BOB, "only named members of the `approvers` role");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isZero();

        click(LEAD1, "action.approve", button);
        awaitCall("the result in the thread", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 204");
        awaitCall("the request shows its final state", "chat.update", "Done:", "Approved by <@" + LEAD1 + ">");
        click(LEAD2, "action.approve", button);
        awaitCall("a late click is told", "chat.postEphemeral", "user=" + LEAD2, "this action already ran");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isEqualTo(1);
    }

    @Test
    void twoApproversClickingAtOnceRunTheActionOnce() throws Exception {
        startBot();
        slash(ALICE, "run restart-connector connector=sqlserver-source-connector stuck");
        String button = approvalButton();

        CompletableFuture<?> one = CompletableFuture.runAsync(() -> quietly(() -> click(LEAD1, "action.approve", button)));
        CompletableFuture<?> two = CompletableFuture.runAsync(() -> quietly(() -> click(LEAD2, "action.approve", button)));
        CompletableFuture.allOf(one, two).get();

        awaitCall("the run finished", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 204");
        Thread.sleep(500);
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isEqualTo(1);
    }

    @Test
    void badValuesAreRefusedInTheAckWithWhichAndWhyAndNothingRuns() throws Exception {
        startBot();

        assertThat(slash(ALICE, "run cdc/restart-connector connector=../admin stuck").body())
                .contains("connector must be one of sqlserver-source-connector, postgres-sink-connector");
        assertThat(slash(ALICE, "run pause-connector connector=../../etc/passwd").body())
                .contains("connector must not contain \\\"..\\\"");
        assertThat(slash(ALICE, "run pause-connector connector=-rf").body()).contains("connector must not start with \\u0027-\\u0027");
        assertThat(slash(ALICE, "run pause-connector connector=a;rm").body()).contains("connector must match");
        assertThat(slash(ALICE, "run pause-conector connector=x").body()).contains("did you mean pause-connector");
        assertThat(slash(ALICE, "run restart-connector connector=sqlserver-source-connector").body())
                .contains("needs approval, so say why");
        Thread.sleep(500);
        assertThat(target.getAllServeEvents()).isEmpty();
    }

    @Test
    void anEncodedValueReachesTheTargetAsOneLiteralPathSegment() throws Exception {
        startBot();
        target.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .willReturn(aResponse().withStatus(404).withBody("no such connector")));

        slash(BOB, "run pause-connector connector=%2e%2e%2fadmin");

        awaitCall("the failure in the thread", "chat.postMessage", "thread_ts=", "HTTP 404", "no such connector");
        assertThat(target.getAllServeEvents()).singleElement()
                .satisfies(e -> assertThat(e.getRequest().getUrl()).isEqualTo("/connectors/%252e%252e%252fadmin/pause"));
    }

    @Test
    void anActionWithoutApprovalRunsAtOnceAndItsOutputIsPostedInTheThread() throws Exception {
        startBot();

        assertThat(slash(BOB, "run cdc/pause-connector connector=postgres-sink-connector").body()).contains("Running Pause a connector");

        awaitCall("output in the thread", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 202", "paused");
        awaitCall("final state", "chat.update", "Done:", "PUT " + target.baseUrl() + "/connectors/postgres-sink-connector/pause");
    }

    @Test
    void breakGlassRunsAtOnceForTheEmergencyRoleAndIsAnnouncedLoudly() throws Exception {
        startBot();

        assertThat(slash(BOB, "breakglass cdc/restart-connector connector=sqlserver-source-connector prod is down").body())
                .contains("break glass is for people listed by name under the `emergency` role");
        assertThat(slash(FIREFIGHTER, "breakglass cdc/restart-connector connector=sqlserver-source-connector").body())
                .contains("needs a reason");
        slash(FIREFIGHTER, "breakglass cdc/restart-connector connector=sqlserver-source-connector prod is down, lead unreachable");

        awaitCall("announced in the team channel", "chat.postMessage", "channel=" + TEAM_CHANNEL, "BREAK GLASS",
                "<!here>", "<@" + FIREFIGHTER + "> runs `cdc/restart-connector` *without approval*", "prod is down, lead unreachable");
        awaitCall("ran", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 204");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isEqualTo(1);
        assertThat(new AuditLog(bot.database(), Clock.systemUTC()).latest(5)).extracting(e -> e.action())
                .contains("action.break-glass");
    }

    @Test
    void anEmergencyMemberCanBreakTheGlassOnAWaitingRequestWithAReason() throws Exception {
        startBot();
        slash(ALICE, "run restart-connector connector=sqlserver-source-connector stuck, lead asleep");
        String button = approvalButton();
        long id = Long.parseLong(button.substring(0, button.indexOf(':')));
        assertThat(calls("chat.postMessage").get(0)).contains("action.break-glass", "Break glass…");

        click(BOB, "action.break-glass", button);
        awaitCall("a non-member is refused", "chat.postEphemeral", "user=" + BOB, "break glass is for people listed by name");
        click(FIREFIGHTER, "action.break-glass", button);
        awaitCall("the reason modal opens", "views.open", "action.confirm-break-glass", "without approval");
        assertThat(send(SlackPayloads.viewSubmission(TEAM, FIREFIGHTER, "action.confirm-break-glass", Long.toString(id),
                Map.of("reason", SlackPayloads.textInput("")))).body()).contains("\"errors\"", "needs a reason");
        send(SlackPayloads.viewSubmission(TEAM, FIREFIGHTER, "action.confirm-break-glass", Long.toString(id),
                Map.of("reason", SlackPayloads.textInput("orders are failing"))));

        awaitCall("announced loudly", "chat.postMessage", "channel=" + TEAM_CHANNEL, "<!here>", "BREAK GLASS",
                "<@" + FIREFIGHTER + ">", "orders are failing");
        awaitCall("the request shows it", "chat.update", "Done:", "BREAK GLASS", "<@" + ALICE + "> asks to run");
        click(LEAD1, "action.approve", button);
        awaitCall("a late approval is told", "chat.postEphemeral", "user=" + LEAD1, "already");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isEqualTo(1);
        assertThat(new AuditLog(bot.database(), Clock.systemUTC()).latest(5)).extracting(e -> e.action())
                .contains("action.break-glass");
    }

    @Test
    void aRejectionAsksForAReasonInAModalAndClosesTheRequest() throws Exception {
        startBot();
        slash(ALICE, "run restart-connector connector=sqlserver-source-connector stuck");
        String button = approvalButton();
        long id = Long.parseLong(button.substring(0, button.indexOf(':')));

        click(LEAD1, "action.reject", button);
        awaitCall("the reason modal opens", "views.open", "action.confirm-reject", "trigger_id=");
        HttpResponse<String> empty = send(SlackPayloads.viewSubmission(TEAM, LEAD1, "action.confirm-reject",
                Long.toString(id), Map.of("reason", SlackPayloads.textInput(" "))));
        assertThat(empty.body()).contains("\"response_action\":\"errors\"", "a rejection needs a reason");
        HttpResponse<String> ok = send(SlackPayloads.viewSubmission(TEAM, LEAD1, "action.confirm-reject",
                Long.toString(id), Map.of("reason", SlackPayloads.textInput("wait for the nightly load <!channel>"))));
        assertThat(ok.statusCode()).isEqualTo(200);

        awaitCall("the request shows the rejection", "chat.update", "Rejected:", "wait for the nightly load &lt;!channel&gt;");
        click(LEAD2, "action.approve", button);
        awaitCall("approving a rejected request is refused", "chat.postEphemeral", "user=" + LEAD2, "was rejected");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isZero();
    }

    @Test
    void anExpiredRequestCannotBeApprovedAndItsMessageSaysSo() throws Exception {
        startBot();
        slash(ALICE, "run quick-restart connector=sqlserver-source-connector stuck");
        String button = approvalButton();
        Thread.sleep(1_500);

        click(LEAD1, "action.approve", button);

        awaitCall("the click is told", "chat.postEphemeral", "user=" + LEAD1, "this request expired");
        awaitCall("the message shows it", "chat.update", "Expired:");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isZero();
    }

    @Test
    void theRunFormOpensAModalAndItsSubmissionIsValidatedFieldByField() throws Exception {
        startBot();
        assertThat(slash(ALICE, "run").body()).contains("cdc/pause-connector", "runs at once", "needs 1 approval(s)",
                "\"action_id\":\"action.open\"");
        assertThat(slash(ALICE, "run cdc/pause-connector").body()).contains("connector is required", "action.open");

        click(ALICE, "action.open", "cdc/pause-connector");
        awaitCall("the form opens", "views.open", "action.request", "param:connector");
        HttpResponse<String> bad = send(SlackPayloads.viewSubmission(TEAM, ALICE, "action.request",
                "cdc/pause-connector|" + ASKED_IN, Map.of("param:connector", SlackPayloads.textInput("../x"))));
        assertThat(bad.body()).contains("\"errors\"", "param:connector", "must not contain");
        HttpResponse<String> good = send(SlackPayloads.viewSubmission(TEAM, ALICE, "action.request",
                "cdc/pause-connector|" + ASKED_IN, Map.of("param:connector", SlackPayloads.textInput("postgres-sink-connector"))));
        assertThat(good.statusCode()).isEqualTo(200);

        awaitCall("it ran", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 202");
    }

    @Test
    void auditNeedsItsPermissionAndShowsTheLatestEntries() throws Exception {
        startBot();
        slash(BOB, "run cdc/pause-connector connector=postgres-sink-connector");
        awaitCall("ran", "chat.postMessage", "thread_ts=1700000000.000900", "HTTP 202");

        assertThat(slash(ALICE, "audit").body()).contains("You may not use `/ops audit`");
        String audit = slash(LEAD1, "audit 3").body();
        assertThat(audit).contains("action.result", "action.run", "action.request", "cdc/pause-connector");
    }

    @Test
    void anActionCutOffByACrashIsMarkedInterruptedAtStartAndNeverRunAgain() throws Exception {
        startBot();
        slash(ALICE, "run restart-connector connector=sqlserver-source-connector stuck");
        String button = approvalButton();
        long id = Long.parseLong(button.substring(0, button.indexOf(':')));
        Eventually.await("the message id is stored", WAIT, () -> bot.database().read(h ->
                h.createQuery("SELECT message_id FROM action_request WHERE id = " + id).mapTo(Long.class).findOne().isPresent()));
        // What a crash between claiming and finishing leaves behind.
        bot.database().write(h -> h.execute("UPDATE action_request SET state = 'RUNNING', started_at = 1, deadline_at = 2 WHERE id = ?", id));
        bot.close();

        startBot();

        awaitCall("the message says interrupted", "chat.update", "Interrupted:", "was *not* run again");
        click(LEAD1, "action.approve", button);
        awaitCall("a click is refused", "chat.postEphemeral", "user=" + LEAD1, "interrupted");
        assertThat(targetCalls("/connectors/sqlserver-source-connector/restart")).isZero();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
