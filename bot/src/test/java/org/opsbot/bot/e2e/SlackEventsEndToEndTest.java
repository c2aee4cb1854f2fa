package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.slack.ops.OpsCommands;
import org.opsbot.bot.testing.CountingCommand;
import org.opsbot.bot.testing.OversizeRequest;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.bot.testing.RunningBot;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.access.AccessPolicy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /slack/events} over real HTTP, signed exactly as Slack signs. */
class SlackEventsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "U0ALICE001";
    private static final String MALLORY = "U0MALLORY1";

    private static final CountingCommand ping = new CountingCommand("ping", Optional.empty());
    private static final CountingCommand run = new CountingCommand("run", Optional.of("run"));
    private static RunningBot bot;

    @BeforeAll
    static void start() {
        bot = new RunningBot(Optional.of(RunningBot.SECRET), new OpsCommands(List.of(ping, run)),
                new AccessPolicy(Map.of("responders", List.of(ALICE)), Map.of("run", List.of("responders"))));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    @BeforeEach
    void reset() {
        bot.outbox.clear();
        ping.runs.set(0);
        run.runs.set(0);
    }

    private static String command(String text) {
        return SlackPayloads.slashCommand(RunningBot.OWN_TEAM, ALICE, text);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void opsHelpAnswers200WithEphemeralBlocksListingTheCommands() throws Exception {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM, command("help"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("text").asText()).contains("/ops help");
        assertThat(body.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        assertThat(body.path("blocks").toString()).contains("/ops help").contains("/ops ping");
    }

    @Test
    void opsAloneAnswersWithTheCommandList() throws Exception {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM, command(""));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("blocks").toString()).contains("/ops help");
    }

    @Test
    void anUnknownSubcommandIsAnsweredWithWhatWouldBeRight() throws Exception {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM, command("hlep"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("text").asText()).contains("`/ops hlep` is not a command").contains("`/ops help`");
    }

    @Test
    void aSignedCommandReachesItsHandler() {
        assertThat(bot.slack(SlackSigner.FORM, command("ping")).statusCode()).isEqualTo(200);
        assertThat(ping.runs).hasValue(1);
    }

    @Test
    void unsignedRequestIsRejectedWith401AndNoHandlerRuns() {
        HttpResponse<String> response = bot.send(HttpRequest.newBuilder(bot.uri("/slack/events"))
                .header("Content-Type", SlackSigner.FORM)
                .POST(HttpRequest.BodyPublishers.ofString(command("ping"))).build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void aBadSignatureIsRejectedWith401AndNoHandlerRuns() {
        SlackSigner impostor = new SlackSigner("not-the-secret");
        HttpResponse<String> response = bot.send(impostor.post(bot.uri("/slack/events"), SlackSigner.FORM, command("ping")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void aBodyChangedAfterSigningIsRejectedWith401() {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> response = bot.send(HttpRequest.newBuilder(bot.uri("/slack/events"))
                .header("Content-Type", SlackSigner.FORM)
                .header("X-Slack-Request-Timestamp", Long.toString(now))
                .header("X-Slack-Signature", bot.signer.signature(now, command("help")))
                .POST(HttpRequest.BodyPublishers.ofString(command("ping"))).build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void aStaleTimestampIsRejectedWith401AndNoHandlerRuns() {
        long sixMinutesAgo = Instant.now().getEpochSecond() - 360;
        HttpResponse<String> response = bot.send(
                bot.signer.post(bot.uri("/slack/events"), SlackSigner.FORM, command("ping"), sixMinutesAgo));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void withoutASigningSecretEverythingIsRejectedWith401() {
        CountingCommand dryPing = new CountingCommand("ping", Optional.empty());
        try (RunningBot dryRun = new RunningBot(Optional.empty(), new OpsCommands(List.of(dryPing)), AccessPolicy.empty())) {
            HttpResponse<String> signed = dryRun.slack(SlackSigner.FORM, command("ping"));
            HttpResponse<String> unsigned = dryRun.send(HttpRequest.newBuilder(dryRun.uri("/slack/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(command("ping"))).build());

            assertThat(signed.statusCode()).isEqualTo(401);
            assertThat(unsigned.statusCode()).isEqualTo(401);
            assertThat(dryPing.runs).hasValue(0);
        }
    }

    @Test
    void aBodyOverOneMebibyteIsRejectedWith413() throws Exception {
        assertThat(oversize(false)).isEqualTo(413);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void aChunkedBodyOverOneMebibyteIsRejectedWith413() throws Exception {
        // No length known up front: the body goes chunked.
        assertThat(oversize(true)).isEqualTo(413);
        assertThat(ping.runs).hasValue(0);
    }

    /** A signed command padded past 1 MiB; the answer is read even if the server stops reading first. */
    private int oversize(boolean chunked) throws Exception {
        String huge = command("ping") + "&padding=" + "x".repeat(1024 * 1024);
        long now = Instant.now().getEpochSecond();
        return OversizeRequest.status(bot.server.port(), "/slack/events", Map.of("Content-Type", SlackSigner.FORM,
                "X-Slack-Request-Timestamp", Long.toString(now), "X-Slack-Signature", bot.signer.signature(now, huge)),
                huge.getBytes(StandardCharsets.UTF_8), chunked);
    }

    @Test
    void aSlashCommandFromAnotherWorkspaceIsRefusedWithoutRunningAHandler() throws Exception {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM,
                SlackPayloads.slashCommand("T0GUEST0001", ALICE, "ping"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("text").asText()).contains("only serves workspace " + RunningBot.OWN_TEAM);
        assertThat(ping.runs).hasValue(0);
    }

    @Test
    void aButtonClickFromAnotherWorkspaceIsRefusedWith403() {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM,
                SlackPayloads.blockActions("T0GUEST0001", ALICE, "alert-ack"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(bot.outbox.calls()).isEmpty();
    }

    @Test
    void anEventFromAnotherWorkspaceIsAcknowledgedAndIgnored() {
        HttpResponse<String> response = bot.slack(SlackSigner.JSON,
                SlackPayloads.appMention("T0GUEST0001", "Ev0FOREIGN1", ALICE, "C0OPS00001", "1700000000.000100"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(bot.outbox.calls()).isEmpty();
    }

    @Test
    void aMentionIsAnsweredInItsThreadWithAPointerToHelp() {
        HttpResponse<String> response = bot.slack(SlackSigner.JSON,
                SlackPayloads.appMention(RunningBot.OWN_TEAM, "Ev0MENTION1", ALICE, "C0OPS00001", "1700000000.000100"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(bot.outbox.calls()).singleElement().satisfies(call -> {
            assertThat(call.method()).isEqualTo("reply");
            assertThat(call.target()).isEqualTo("C0OPS00001/1700000000.000100");
            assertThat(call.message().text()).contains("/ops help");
        });
    }

    @Test
    void anEventRetriedWithTheSameEventIdCausesOneOutboxCallOnly() {
        String event = SlackPayloads.appMention(RunningBot.OWN_TEAM, "Ev0RETRY001", ALICE, "C0OPS00001", "1700000000.000200");
        long now = Instant.now().getEpochSecond();

        HttpResponse<String> first = bot.send(bot.signer.post(bot.uri("/slack/events"), SlackSigner.JSON, event, now));
        // Slack signs a retry anew, later: the same signature twice would be a replay.
        HttpResponse<String> retry = bot.send(bot.signer.builder(bot.uri("/slack/events"), SlackSigner.JSON, event, now + 1)
                .header("X-Slack-Retry-Num", "1")
                .header("X-Slack-Retry-Reason", "http_timeout")
                .build());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(bot.outbox.calls()).hasSize(1).extracting(RecordingOutbox.Call::method).containsExactly("reply");
    }

    @Test
    void aPermissionDeniedAnswerNamesTheRole() throws Exception {
        HttpResponse<String> response = bot.slack(SlackSigner.FORM,
                SlackPayloads.slashCommand(RunningBot.OWN_TEAM, MALLORY, "run restart-connector"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("text").asText()).contains("`responders`").contains("opsbot.yaml");
        assertThat(run.runs).hasValue(0);
    }

    @Test
    void aUserWithTheRoleMayRunTheCommand() {
        bot.slack(SlackSigner.FORM, SlackPayloads.slashCommand(RunningBot.OWN_TEAM, ALICE, "run restart-connector"));

        assertThat(run.runs).hasValue(1);
    }

    @Test
    void urlVerificationIsAnsweredWithTheChallenge() {
        HttpResponse<String> response = bot.slack(SlackSigner.JSON,
                "{\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\","
                        + "\"type\":\"url_verification\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    @Test
    void commandsAreAnsweredWhileSlacksWebApiIsDownAndNoAuthTestIsEverCalled() {
        try (RunningBot outage = new RunningBot()) {
            outage.slackIsDown();

            HttpResponse<String> response = outage.slack(SlackSigner.FORM, command("help"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("ephemeral");
            assertThat(outage.slackApi.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void anUnknownPayloadTypeIsAnswered400WithoutItsBodyInTheLog() throws InterruptedException {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = bot.slack(SlackSigner.JSON,
                    "{\"type\":\"something_new\",\"response_url\":\"https://hooks.slack.com/actions/T0OWN00001/1/LEAK\"}");
            // The access line is written once the response has left, so it may trail the client.
            for (int i = 0; i < 100 && !captured.toString(StandardCharsets.UTF_8).contains("/slack/events 400"); i++) {
                Thread.sleep(20);
            }
        } finally {
            System.setErr(stderr);
        }

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("POST /slack/events 400").doesNotContain("LEAK");
    }
}
