package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ids of the bot's buttons, menus and forms, through the user's doors. The bot is driven
 * until it has posted every message that carries one (an alert group and its page, a silence
 * note, an incident, an approval request, the Run… list, the three forms, a runbook with its
 * checklist); every id in them is {@code feature.verb} and answered. The ids that messages of
 * earlier versions carry are still in Slack, so they are answered too, by the same handlers.
 */
class ActionIdsEndToEndTest {
    private static final String SECRET = "action-ids-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "action-ids-webhook-token";
    private static final String CHANNEL = "C000000001";
    private static final String ALICE = "U0ALICE001";
    private static final String LEAD = "U0LEAD0001";
    private static final String OTHER_LEAD = "U0LEAD0002";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SCHEME = Pattern.compile("[a-z]+\\.[a-z]+(-[a-z]+)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every button and menu id the bot posts. Renaming one breaks the buttons already in Slack,
     * unless its feature keeps the old id as a legacy id (and {@link #LEGACY_BUTTONS} lists it).
     */
    private static final Set<String> BUTTONS = Set.of(
            "alert.ack", "alert.unack", "alert.resolve", "alert.escalate", "alert.snooze", "alert.silence",
            "alert.unsilence", "alert.run", "alert.more", "alert.actionable", "alert.not-actionable",
            "escalation.ack", "escalation.escalate", "escalation.ack-all",
            "incident.declare", "incident.ack", "incident.resolve",
            "action.approve", "action.reject", "action.break-glass", "action.open",
            "check.run", "check.tick",
            "procedure.done", "procedure.cancel",
            "oncall.take-cover");
    private static final Set<String> FORMS = Set.of("action.request", "action.confirm-reject", "action.confirm-break-glass");
    /** The ids messages and forms posted before ids were named {@code feature.verb} carry. */
    private static final List<String> LEGACY_BUTTONS = List.of("actions.approve", "actions.reject", "actions.breakglass",
            "actions.open", "incident-ack", "incident-resolve", "incident-declare-from-alert", "checks.run",
            "checks.checklist", "alert.runbook");
    private static final List<String> LEGACY_FORMS = List.of("actions.params", "actions.reject-reason",
            "actions.breakglass-reason");

    @TempDir
    static Path runbooks;
    private static final RateLimitedSlack slack = new RateLimitedSlack();
    // The runbook's action target and the alert's Alertmanager.
    private static final WireMockServer systems = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final SlackSigner signer = new SlackSigner(SECRET);
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Set<String> postedButtons = new TreeSet<>();
    private static final Set<String> postedForms = new TreeSet<>();
    private static Bot bot;

    @BeforeAll
    static void theBotPostsEveryMessageWithButtons() throws Exception {
        systems.start();
        systems.stubFor(post(urlEqualTo("/api/v2/silences")).willReturn(okJson("{\"silenceID\":\"s-1\"}")));
        systems.stubFor(delete(anyUrl()).willReturn(aResponse().withStatus(200)));
        systems.stubFor(post(urlPathEqualTo("/connectors/source/restart")).willReturn(aResponse().withStatus(204)));
        Files.writeString(runbooks.resolve("ids.yaml"), """
                name: ids
                title: Every button
                team: cdc
                checks:
                  - name: Target answers
                    http: {url: "%1$s/health"}
                checklist:
                  - Tick this
                actions:
                  restart:
                    title: Restart
                    params:
                      connector: {enum: [source]}
                    http: {method: POST, url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                procedures:
                  walk:
                    title: Every step
                    steps:
                      - manual: Tick this step
                """.formatted(systems.baseUrl()));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, ExampleText.onTheWallClock(), Clock.systemUTC());

        // What does not depend on the alert group is asked for first, so that its messages are
        // posted while the alert group's go through their steps: an approval request, a
        // procedure, a cover request, a runbook.
        slash(ALICE, "run ids/restart connector=source the first request");
        slash(ALICE, "procedure ids/walk");
        slash(ALICE, "cover tomorrow 09:00 for 8h ids cover");
        collect(JSON.readTree(slash(ALICE, "runbook ids").body()));

        // An alert group that names a runbook, and its page.
        alertFires("IdsLagHigh");
        RateLimitedSlack.Call parent = parentOf("IdsLagHigh");
        String group = value(parent, "alert.ack");
        Eventually.await("the page", WAIT, () -> !slack.directMessages().isEmpty());
        // A second group paging the same person joins that DM, which gets Acknowledge all.
        alertFires("IdsLagHigher");
        awaitCall("chat.update", "escalation.ack-all");
        // Acknowledged, it shows Unacknowledge; silenced, its note has Expire silence.
        click(ALICE, slack.tsOf(parent), "alert.ack", group, false);
        awaitCall("chat.update", "alert.unack");
        click(ALICE, slack.tsOf(parent), "alert.silence", group + ":PT1H", true);
        awaitCall("chat.postMessage", "alert.unsilence");
        // Declared from the overflow menu, the incident has its own message.
        choose(ALICE, slack.tsOf(parent), "alert.more", "incident.declare " + group);
        awaitCall("chat.postMessage", "incident.ack");
        // Resolved, it asks whether it was actionable; the answer is shown.
        click(ALICE, slack.tsOf(parent), "alert.resolve", group, false);
        awaitCall("chat.update", "alert.not-actionable");
        click(ALICE, slack.tsOf(parent), "alert.not-actionable", group, false);
        awaitCall("chat.update", "Marked not actionable by <@" + ALICE + ">");

        // The Run… list, the approval request, and the three forms.
        collect(JSON.readTree(slash(ALICE, "run").body()));
        String request = awaitRequest("the first request");
        click(ALICE, "1700000000.000100", "action.open", "ids/restart", false);
        awaitCall("views.open", "action.request");
        click(LEAD, "1700000000.000100", "action.reject", request, false);
        awaitCall("views.open", "action.confirm-reject");
        click(LEAD, "1700000000.000100", "action.break-glass", request, false);
        awaitCall("views.open", "action.confirm-break-glass");

        // The procedure's message, waiting for its first tick: in an update, or in the post itself
        // when that state was reached before the post left (the outbox folds it in).
        String[] waiting = {"Tick this step", "procedure.done", "procedure.cancel"};
        Eventually.await("the procedure's message with " + List.of(waiting), WAIT,
                () -> find("chat.update", waiting).or(() -> find("chat.postMessage", waiting)).isPresent());
        // The cover request, with its Take it button.
        awaitCall("chat.postMessage", "oncall.take-cover");
        // The runbook with its checklist and its Run buttons.
        awaitCall("chat.postMessage", "\"type\":\"checkboxes\"");

        for (RateLimitedSlack.Call call : slack.calls()) {
            for (String field : List.of("blocks", "attachments", "view")) {
                if (call.get(field) != null) {
                    collect(JSON.readTree(call.get(field)));
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
        systems.stop();
    }

    @Test
    void everyIdInTheBotsMessagesIsFeatureDotVerb() {
        assertThat(postedButtons).allMatch(id -> SCHEME.matcher(id).matches()).isEqualTo(new TreeSet<>(BUTTONS));
        assertThat(postedForms).allMatch(id -> SCHEME.matcher(id).matches()).isEqualTo(new TreeSet<>(FORMS));
    }

    @Test
    void everyIdInTheBotsMessagesIsAnsweredAndAnUnknownOneIsNot() {
        for (String id : BUTTONS) {
            assertThat(click(OTHER_LEAD, "1700000000.000200", id, "0", false).statusCode()).as(id).isEqualTo(200);
        }
        for (String id : FORMS) {
            assertThat(submit(id).statusCode()).as(id).isEqualTo(200);
        }
        assertThat(click(OTHER_LEAD, "1700000000.000200", "nobody.knows", "0", false).statusCode()).isEqualTo(404);
        assertThat(submit("nobody.knows").statusCode()).isEqualTo(404);
    }

    @Test
    void noRowOfControlsHoldsMoreThanFiveAndWhatCannotBeTakenBackAsksFirst() throws IOException {
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (RateLimitedSlack.Call call : slack.calls()) {
            for (String field : List.of("blocks", "attachments", "view")) {
                if (call.get(field) != null) {
                    JSON.readTree(call.get(field)).findParents("type").stream()
                            .filter(n -> "actions".equals(n.path("type").asText())).forEach(rows::add);
                }
            }
        }
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.path("elements").size()).as(row.toString()).isLessThanOrEqualTo(5));
        List<JsonNode> elements = rows.stream().flatMap(r -> java.util.stream.StreamSupport.stream(r.path("elements").spliterator(), false))
                .toList();
        for (String id : List.of("alert.resolve", "alert.silence", "action.break-glass")) {
            assertThat(elements).as(id).filteredOn(e -> id.equals(e.path("action_id").asText())).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.path("confirm").path("title").path("text").asText()).as(id).isNotBlank());
        }
    }

    @Test
    void everyIdOfMessagesPostedByEarlierVersionsIsStillAnswered() {
        for (String id : LEGACY_BUTTONS) {
            assertThat(click(OTHER_LEAD, "1700000000.000200", id, "0", false).statusCode()).as(id).isEqualTo(200);
        }
        for (String id : LEGACY_FORMS) {
            assertThat(submit(id).statusCode()).as(id).isEqualTo(200);
        }
    }

    @Test
    void anApproveButtonPostedByAnEarlierVersionApprovesAsTheCurrentOneDoes() {
        slash(ALICE, "run ids/restart connector=source approved with the current button");
        String current = awaitRequest("approved with the current button");
        slash(ALICE, "run ids/restart connector=source approved with an old button");
        String old = awaitRequest("approved with an old button");
        int runs = restarts();

        click(LEAD, "1700000000.000100", "action.approve", current, false);
        Eventually.await("the request approved with the current button runs", WAIT, () -> restarts() == runs + 1);
        click(LEAD, "1700000000.000100", "actions.approve", old, false);
        Eventually.await("the request approved with the old button runs", WAIT, () -> restarts() == runs + 2);
    }

    @Test
    void anIncidentDeclaredAndAcknowledgedWithButtonsOfAnEarlierVersion() {
        alertFires("IdsOldButtons");
        RateLimitedSlack.Call parent = parentOf("IdsOldButtons");
        String group = value(parent, "alert.ack");

        click(ALICE, slack.tsOf(parent), "incident-declare-from-alert", group, false);

        RateLimitedSlack.Call incident = awaitCall("chat.postMessage", "IdsOldButtons", "incident.ack");
        assertThat(incident.get("channel")).isEqualTo("#incidents");
        awaitCall("chat.postMessage", "thread_ts=" + slack.tsOf(parent), "declared P1");
        String id = value(incident, "incident.ack");

        click(ALICE, slack.tsOf(incident), "incident-ack", id, false);

        awaitCall("chat.update", "IdsOldButtons", "Acknowledged", "acked by <@" + ALICE + ">");
    }

    /**
     * Action ids and form callback ids, leaving out those of inputs: an input's action id names
     * its value in the submitted form, and Slack sends no click for it.
     */
    private static void collect(JsonNode node) {
        if (node.isObject() && "input".equals(node.path("type").asText())) {
            return;
        }
        if (node.isObject() && node.hasNonNull("action_id")) {
            postedButtons.add(node.get("action_id").asText());
        }
        // An overflow menu's option stands for a button: its value begins with that button's id.
        if (node.isObject() && "overflow".equals(node.path("type").asText())) {
            node.path("options").forEach(o -> postedButtons.add(o.path("value").asText().split(" ", 2)[0]));
        }
        if (node.isObject() && node.hasNonNull("callback_id")) {
            postedForms.add(node.get("callback_id").asText());
        }
        node.forEach(ActionIdsEndToEndTest::collect);
    }

    private static void alertFires(String alertname) {
        String webhook = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"%1$s","team":"cdc","severity":"critical","runbook":"ids"},
                  "annotations":{"summary":"%1$s fires"},"startsAt":"2026-11-22T02:58:00Z",
                  "endsAt":"0001-01-01T00:00:00Z","fingerprint":"%1$s"}],
                 "groupLabels":{"alertname":"%1$s"},"commonLabels":{"team":"cdc"},"commonAnnotations":{},
                 "externalURL":"%2$s","version":"4","groupKey":"{}:{alertname=\\"%1$s\\"}","truncatedAlerts":0}"""
                .formatted(alertname, systems.baseUrl());
        HttpResponse<String> intake = send(HttpRequest.newBuilder(uri("/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(webhook)).build());
        assertThat(intake.statusCode()).isEqualTo(200);
    }

    private static RateLimitedSlack.Call parentOf(String alertname) {
        return awaitCall("chat.postMessage", alertname, "incident.declare");
    }

    /** The value of the Approve button of the request whose reason is {@code why}. */
    private static String awaitRequest(String why) {
        return value(awaitCall("chat.postMessage", "Approval needed", why), "action.approve");
    }

    /** The value of the first element with action id {@code actionId} in {@code call}'s blocks or attachments. */
    private static String value(RateLimitedSlack.Call call, String actionId) {
        String json = call.get("blocks") + call.get("attachments");
        Matcher m = Pattern.compile("\"action_id\":\"" + Pattern.quote(actionId) + "\"[^}]*?\"value\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(actionId + " in " + json).isTrue();
        return m.group(1);
    }

    private static RateLimitedSlack.Call awaitCall(String method, String... parts) {
        Eventually.await(method + " with " + List.of(parts), WAIT, () -> find(method, parts).isPresent());
        return find(method, parts).orElseThrow();
    }

    private static Optional<RateLimitedSlack.Call> find(String method, String... parts) {
        return slack.calls(method).stream().filter(c -> List.of(parts).stream()
                .allMatch(p -> c.form().toString().contains(p))).findFirst();
    }

    private static int restarts() {
        return systems.findAll(postRequestedFor(urlPathEqualTo("/connectors/source/restart"))).size();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> slack(String form) {
        return send(signer.post(uri("/slack/events"), SlackSigner.FORM, form));
    }

    private static HttpResponse<String> slash(String user, String text) {
        HttpResponse<String> answer = slack(SlackPayloads.slashCommand(TEAM, user, text));
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer;
    }

    private static HttpResponse<String> click(String user, String messageTs, String actionId, String value, boolean select) {
        return slack(SlackPayloads.blockActions(TEAM, user, "someone", CHANNEL, messageTs, actionId, value, select));
    }

    private static HttpResponse<String> choose(String user, String messageTs, String menuId, String option) {
        return slack(SlackPayloads.overflowChoice(TEAM, user, CHANNEL, messageTs, menuId, option));
    }

    private static HttpResponse<String> submit(String callbackId) {
        return slack(SlackPayloads.viewSubmission(TEAM, OTHER_LEAD, callbackId, "0", Map.of()));
    }
}
