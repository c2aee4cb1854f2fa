package org.opsbot.bot.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.bot.testing.SlackPayloads;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SlackEnvelopeTest {
    private static final String TEAM = "T0OWN00001";

    static List<String> slacksOwnBodies() {
        return List.of(
                SlackPayloads.slashCommand(TEAM, "U0ALICE001", "run cdc/pause-connector connector=x the reason, with = and &"),
                SlackPayloads.blockActions(TEAM, "U0ALICE001", "alert.ack"),
                SlackPayloads.blockActions(TEAM, "U0ALICE001", "someone", "C0CDC00001", "1700000000.000900", "alert.snooze", "7:1h", true),
                SlackPayloads.checkboxes(TEAM, "U0ALICE001", "checklist", "b\"1", List.of("0", "2")),
                SlackPayloads.viewSubmission(TEAM, "U0ALICE001", "action.request", "cdc/pause|C1",
                        Map.of("reason", SlackPayloads.textInput("ünïcödé \"quoted\" \\ and a long " + "x".repeat(3_000)))),
                SlackPayloads.appMention(TEAM, "Ev0ENVELOPE", "U0ALICE001", "C0OPS00001", "1700000000.000100"),
                "{\"token\":\"t\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV\",\"type\":\"url_verification\"}",
                "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO");
    }

    @ParameterizedTest
    @MethodSource("slacksOwnBodies")
    void everyShapeSlackSendsPasses(String body) {
        assertThat(SlackEnvelope.problem(body)).isEmpty();
    }

    private static String payload(String json) {
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    @Test
    void eachBrokenShapeIsNamedWithoutQuotingTheBody() {
        Map<String, String> problems = Map.ofEntries(
                Map.entry("payload=notjson", "the payload is not valid JSON"),
                Map.entry(payload("[1,2]"), "the payload is JSON array, not an object"),
                Map.entry("payload=null", "the payload is JSON null, not an object"),
                Map.entry("payload=42", "the payload is JSON number, not an object"),
                Map.entry(payload("{\"user\":{}}"), "the payload has no type"),
                Map.entry(payload("{\"type\":7}"), "the payload has no type"),
                Map.entry(payload("{\"type\":\"a\",\"type\":\"b\"}"), "the payload is not valid JSON"),
                Map.entry(payload("{\"type\":\"a\"} {}"), "the payload is not valid JSON"),
                Map.entry("payload=%zz", "the form encoding is broken"),
                Map.entry("command=%2Fops&text=%E", "the form encoding is broken"),
                Map.entry("command=%2Fops&text=a&text=b", "the form field `text` is given more than once"),
                Map.entry(payload("{\"type\":\"a\"}") + "&+payload=%7B%7D", "a form field has a name Slack does not use"),
                Map.entry(payload("{\"type\":\"a\",\"x\":" + "[".repeat(65) + "]".repeat(65) + "}"), "the payload is out of bounds"),
                Map.entry(payload("{\"type\":\"a\",\"x\":\"" + "v".repeat(SlackEnvelope.MAX_STRING_CHARS + 1) + "\"}"),
                        "the payload is out of bounds"),
                Map.entry("[{\"type\":\"event_callback\"}]", "the body is JSON array, not an object"),
                Map.entry("{\"type\":\"event_callback\",\"event\":{", "the body is not valid JSON"),
                Map.entry("  ", "the body is empty"));
        problems.forEach((body, problem) -> assertThat(SlackEnvelope.problem(body)).as(body.substring(0, Math.min(80, body.length())))
                .hasValueSatisfying(p -> assertThat(p).startsWith(problem).doesNotContain("notjson", "zz")));
    }

    @Test
    void nestingAndStringsUpToTheirBoundsPass() {
        String deepest = "{\"type\":\"a\",\"x\":" + "[".repeat(SlackEnvelope.MAX_DEPTH - 1) + "]".repeat(SlackEnvelope.MAX_DEPTH - 1) + "}";
        String longest = "{\"type\":\"a\",\"x\":\"" + "v".repeat(SlackEnvelope.MAX_STRING_CHARS) + "\"}";

        assertThat(SlackEnvelope.problem(payload(deepest))).isEmpty();
        assertThat(SlackEnvelope.problem(payload(longest))).isEmpty();
    }

    @Test
    void noBodyMakesItThrow() {
        Random random = new Random(12);
        String alphabet = "{}[]\":,%=&+ az09\\\u00e9\u0000\n";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder body = new StringBuilder(random.nextBoolean() ? "payload=" : "");
            for (int n = random.nextInt(40); n > 0; n--) {
                body.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = body.toString();
            assertThat(SlackEnvelope.problem(text)).as(text).isNotNull();
        }
    }
}
