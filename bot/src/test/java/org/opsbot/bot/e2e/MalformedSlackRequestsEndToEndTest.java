package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.store.TestDatabases;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payloads signed with the real secret but broken in every way a form or a JSON document can
 * be: each is answered 400 with one WARN line and no stack trace, and nothing changes (no row,
 * no message, no action). A click on the Approve button of a request that does not exist is
 * told so. A pending request waits throughout, so a payload that slipped through could approve it.
 */
class MalformedSlackRequestsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern APPROVE = Pattern.compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"");

    @TempDir
    static Path dir;
    private static ActionsBot slack;
    private static String approve;

    /** A form body and the content type it is sent with. */
    record Malformed(String name, String contentType, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void aRequestWaitsForApproval() throws Exception {
        slack = new ActionsBot(dir, TestDatabases.sqliteUrl()).start();
        slack.slash(ActionsBot.ALICE, "run cdc/restart-connector connector=sqlserver-source-connector the source is stuck");
        Eventually.await("the approval request is posted", WAIT,
                () -> slack.calls("chat.postMessage").stream().anyMatch(b -> APPROVE.matcher(b).find()));
        Matcher m = APPROVE.matcher(slack.calls("chat.postMessage").stream().filter(b -> APPROVE.matcher(b).find())
                .findFirst().orElseThrow());
        assertThat(m.find()).isTrue();
        approve = m.group(1);
    }

    @AfterAll
    static void stop() {
        slack.close();
    }

    private static String form(String payloadJson) {
        return "payload=" + URLEncoder.encode(payloadJson, StandardCharsets.UTF_8);
    }

    private static String click(String user, String value) {
        return SlackPayloads.blockActions(ActionsBot.TEAM, user, "someone", ActionsBot.CHANNEL, "1700000000.000900",
                "action.approve", value, false);
    }

    static Stream<Malformed> malformed() {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        String command = SlackPayloads.slashCommand(ActionsBot.TEAM, ActionsBot.ALICE, "TEXT");
        return Stream.of(
                new Malformed("payload that is not JSON", SlackSigner.FORM, "payload=notjson"),
                new Malformed("payload that is a JSON array", SlackSigner.FORM, form("[{\"type\":\"block_actions\"}]")),
                new Malformed("payload that is null", SlackSigner.FORM, "payload=null"),
                new Malformed("payload that is a number", SlackSigner.FORM, "payload=42"),
                new Malformed("payload that is a string", SlackSigner.FORM, form("\"block_actions\"")),
                new Malformed("payload without a type", SlackSigner.FORM, form("{\"user\":{\"id\":\"U0LEAD0001\"}}")),
                new Malformed("payload with trailing garbage", SlackSigner.FORM, form("{\"type\":\"block_actions\"} {}")),
                new Malformed("payload with broken form encoding", SlackSigner.FORM, "payload=%zz"),
                new Malformed("command with broken form encoding", SlackSigner.FORM, command.replace("text=TEXT", "text=%zz")),
                new Malformed("command with a truncated escape", SlackSigner.FORM, command.replace("text=TEXT", "text=run%2")),
                new Malformed("payload given twice", SlackSigner.FORM, click(ActionsBot.LEAD, approve) + "&"
                        + click(ActionsBot.LEAD, approve)),
                new Malformed("command field given twice", SlackSigner.FORM, command.replace("text=TEXT",
                        "text=help&text=run+cdc%2Fpause-connector+connector%3Dpostgres-sink-connector")),
                new Malformed("payload nested past the parser's limit", SlackSigner.FORM,
                        form("{\"type\":\"block_actions\",\"deep\":" + deep + "}")),
                new Malformed("event nested past the parser's limit", SlackSigner.JSON,
                        "{\"type\":\"event_callback\",\"event\":" + deep + "}"),
                new Malformed("event that is a JSON array", SlackSigner.JSON, "[{\"type\":\"event_callback\"}]"),
                new Malformed("button value of 100,000 characters", SlackSigner.FORM,
                        click(ActionsBot.LEAD, approve.substring(0, approve.indexOf(':') + 1) + "a".repeat(100_000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedSignedRequestIsAnswered400WithOneWarningAndChangesNothing(Malformed request) throws Exception {
        Map<String, Long> rows = slack.rowsPerTable();
        int messages = slack.slackMessages();

        HttpResponse<String>[] response = new HttpResponse[1];
        String log = captured(() -> response[0] = slack.send(slack.signer.post(slack.events(), request.contentType(),
                request.body())), answered -> answered.contains("POST /slack/events "));

        assertThat(response[0].statusCode()).as(log).isEqualTo(400);
        assertOneWarningWithoutStack(log);
        Thread.sleep(300); // anything the request set off would have started by now
        assertThat(slack.rowsPerTable()).isEqualTo(rows);
        assertThat(slack.slackMessages()).isEqualTo(messages);
        assertThat(slack.targetCalls()).isZero();
    }

    @Test
    void anApproveForARequestThatDoesNotExistIsToldSoAndChangesNothing() throws Exception {
        Map<String, Long> rows = slack.rowsPerTable();
        String missing = "999999" + approve.substring(approve.indexOf(':'));
        int ephemerals = slack.calls("chat.postEphemeral").size();

        HttpResponse<String>[] response = new HttpResponse[1];
        String log = captured(() -> response[0] = slack.send(slack.signed(click(ActionsBot.LEAD, missing))),
                answered -> slack.calls("chat.postEphemeral").size() > ephemerals);

        assertThat(response[0].statusCode()).isEqualTo(200);
        assertThat(slack.calls("chat.postEphemeral")).anySatisfy(b -> assertThat(b)
                .contains("user=" + ActionsBot.LEAD, "channel=" + ActionsBot.CHANNEL, "That request no longer exists"));
        assertOneWarningWithoutStack(log);
        assertThat(slack.rowsPerTable()).containsEntry("action_request", rows.get("action_request"))
                .containsEntry("action_approval", rows.get("action_approval"))
                .containsEntry("audit", rows.get("audit"));
        assertThat(slack.targetCalls()).isZero();
    }

    private static void assertOneWarningWithoutStack(String log) {
        List<String> lines = log.lines().toList();
        assertThat(lines).as(log).filteredOn(l -> l.contains(" WARN ")).hasSize(1);
        assertThat(lines).as(log).noneMatch(l -> l.contains(" ERROR "))
                .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"))
                // Slack payloads carry response_url, a credential.
                .noneMatch(l -> l.contains("hooks.slack.com"));
    }

    private interface Send {
        void run() throws Exception;
    }

    /** What the bot logs while {@code send} runs and until {@code done} holds of the log. */
    private static String captured(Send send, java.util.function.Predicate<String> done) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            send.run();
            BooleanSupplier finished = () -> done.test(out.toString(StandardCharsets.UTF_8));
            Eventually.await("the request is over", WAIT, finished);
            Thread.sleep(200); // a line written just after
        } finally {
            System.setErr(stderr);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
