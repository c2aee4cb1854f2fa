package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts through the assembled bot: real webhooks in the formats the sources send, signed
 * button clicks, and a Slack that answers 429 + Retry-After the moment the bot goes over its
 * rate limits. Assertions are on the exact Web API calls Slack received.
 */
class AlertsEndToEndTest {
    // An empty runbooks folder: these tests are about alerts.
    @org.junit.jupiter.api.io.TempDir
    Path runbooks;

    static final String SECRET = "alerts-e2e-signing-secret";
    static final String TEAM = "T0E2E00001";
    static final String TOKEN = "webhook-token-1";
    static final Duration WAIT = Duration.ofSeconds(30);

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    private void start(OpsbotConfig config) {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of("old-token", TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, config, Clock.systemUTC());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    HttpResponse<String> webhook(String source, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/alerts/" + source))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> click(String user, String actionId, String value, boolean select) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "steve", "C000000001", "1700000.000100", actionId, value, select);
        return http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, body), HttpResponse.BodyHandlers.ofString());
    }

    static String amWebhook(String status, String value, String... statuses) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < statuses.length; i++) {
            boolean resolved = statuses[i].equals("resolved");
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"%s","labels":{"alertname":"CDCReplicationLagHigh","team":"cdc","severity":"critical",
                     "connector":"connector-%d","instance":"kafka-connect-%d:8083","job":"kafka-connect"},
                     "annotations":{"summary":"Replication lag is %s on connector-%d","description":"<!channel> & <https://evil.example|click>"},
                     "startsAt":"2026-11-22T02:58:07.311Z","endsAt":"%s",
                     "generatorURL":"http://prometheus:9090/graph?g0.expr=lag&g0.tab=1","fingerprint":"fp%04d"}"""
                    .formatted(statuses[i], i, i, value, i, resolved ? "2026-11-22T03:40:07.311Z" : "0001-01-01T00:00:00Z", i));
        }
        return """
                {"receiver":"opsbot","status":"%s","alerts":[%s],"groupLabels":{"alertname":"CDCReplicationLagHigh"},
                 "commonLabels":{"alertname":"CDCReplicationLagHigh","team":"cdc"},"commonAnnotations":{},
                 "externalURL":"http://127.0.0.1:1","version":"4",
                 "groupKey":"{}/{team=\\"cdc\\"}:{alertname=\\"CDCReplicationLagHigh\\"}","truncatedAlerts":0}"""
                .formatted(status, alerts);
    }

    /** Updates of alert group messages (they have attachments), not of page DMs. */
    private List<RateLimitedSlack.Call> groupUpdates() {
        return slack.calls("chat.update").stream().filter(u -> u.get("attachments") != null).toList();
    }

    /**
     * Until the outbox has made every call it holds: anything queued twice, or retried after a
     * 429's Retry-After, has then reached Slack (sending and retrying calls count as pending).
     */
    private void settle() {
        OutboxStore outbox = new OutboxStore(bot.database(), Clock.systemUTC());
        Eventually.await("the outbox has sent everything", WAIT, () -> outbox.depth().pending() == 0);
    }

    @Test
    void aRealAlertmanagerSequenceMakesOneParentCoalescedUpdatesNoDuplicateRepliesAndNoReopen() throws Exception {
        start(ExampleText.onTheWallClock());

        assertThat(webhook("alertmanager", amWebhook("firing", "12840", "firing", "firing"), TOKEN).statusCode()).isEqualTo(200);
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);
        RateLimitedSlack.Call parent = slack.channelPosts().getFirst();
        assertThat(parent.get("channel")).isEqualTo("#cdc-alerts");
        assertThat(parent.isReply()).isFalse();
        assertThat(parent.get("blocks")).contains("FIRING · P1 · CDCReplicationLagHigh");
        assertThat(parent.get("attachments")).contains("Replication lag is 12840", "Acknowledge", "Silence", "<!date^");

        // The new group's escalation pages its first tier at once: a DM and a note in the thread.
        Eventually.await("first tier paged", WAIT, () -> slack.directMessages().size() == 1 && slack.pageNotes().size() == 1);
        assertThat(slack.directMessages().getFirst().get("blocks")).contains("You are paged", "CDCReplicationLagHigh",
                "escalation.ack", "escalation.escalate");
        assertThat(slack.pageNotes().getFirst().get("text")).contains("Tier 1 (On-call engineer) paged <@");

        // repeat_interval: the same alerts with a new {{ $value }} only refresh the lines.
        webhook("alertmanager", amWebhook("firing", "13900", "firing", "firing"), TOKEN);
        // An HA pair delivering one notification twice, at the same moment.
        String twice = amWebhook("firing", "13900", "firing", "firing");
        CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> send(twice));
        CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> send(twice));
        assertThat(a.get().statusCode()).isEqualTo(200);
        assertThat(b.get().statusCode()).isEqualTo(200);
        Eventually.await("line refreshed in place", WAIT,
                () -> groupUpdates().stream().anyMatch(c -> c.get("attachments") != null && c.get("attachments").contains("13900")));
        settle();
        assertThat(slack.channelPosts()).hasSize(1);

        // A responder resolves it by hand; the source still fires the same episode.
        assertThat(click("U0ALICE001", "alert.resolve", "1", false).statusCode()).isEqualTo(200);
        Eventually.await("resolve told in the thread", WAIT, () -> replies().size() == 1);
        webhook("alertmanager", amWebhook("firing", "14000", "firing", "firing"), TOKEN);
        webhook("alertmanager", amWebhook("firing", "14100", "firing", "firing"), TOKEN);
        Eventually.await("still firing noted", WAIT, () -> replies().size() == 2);
        webhook("alertmanager", amWebhook("resolved", "3", "resolved", "resolved"), TOKEN);
        Eventually.await("resolved at source noted", WAIT, () -> replies().size() == 3);
        settle();

        List<RateLimitedSlack.Call> replies = replies();
        assertThat(replies).extracting(c -> c.get("text")).satisfiesExactly(
                t -> assertThat(t).contains("<@U0ALICE001> resolved it"),
                t -> assertThat(t).contains("Still firing at the source"),
                t -> assertThat(t).contains("2 alerts resolved at the source").doesNotContain("Reopened"));
        assertThat(replies).allSatisfy(r -> assertThat(r.get("thread_ts")).isEqualTo(parentTs()));
        assertThat(slack.channelPosts()).hasSize(1 + 3);
        List<RateLimitedSlack.Call> updates = groupUpdates();
        assertThat(updates).allSatisfy(u -> {
            assertThat(u.get("ts")).isEqualTo(parentTs());
            assertThat(u.get("channel")).isEqualTo(updates.getFirst().get("channel")).startsWith("C");
        });
        // Six changes reached the parent (the page, two refreshes, resolve, still firing, resolved);
        // pending ones coalesce.
        assertThat(updates.size()).isBetween(1, 6);
        assertThat(slack.directMessages()).as("resolved: nobody more is paged").hasSize(1);
        assertThat(updates.getLast().get("blocks")).contains("RESOLVED");
        assertThat(updates.getLast().get("attachments")).contains("Resolved by <@U0ALICE001>")
                .doesNotContain("Acknowledge", "Reopened", "&lt;!channel&gt;");
        // Markup from annotations is escaped, never a live mention or link.
        assertThat(parent.get("attachments")).doesNotContain("<!channel>", "<https://evil.example");
    }

    /** One group of two alerts: connector-0 {@code critical} (P1 for team cdc), connector-1 {@code warning} (P2). */
    static String mixedSeverities(String status) {
        String body = amWebhook(status, "12840", status, status);
        int second = body.indexOf("\"fp0000\"");
        return body.substring(0, second) + body.substring(second).replace("\"severity\":\"critical\"", "\"severity\":\"warning\"");
    }

    @Test
    void eachAlertShowsItsOwnSeverityAndAGroupResolvedByHandWhileItFiresShowsNoFiringLineSnoozeOrControl() throws Exception {
        start(ExampleText.onTheWallClock());
        String mixed = mixedSeverities("firing");
        assertThat(mixed).contains("\"severity\":\"warning\"");
        webhook("alertmanager", mixed, TOKEN);
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);
        RateLimitedSlack.Call parent = slack.channelPosts().getFirst();
        assertThat(parent.get("blocks")).contains("\"type\":\"header\"", ":rotating_light: FIRING · P1 · CDCReplicationLagHigh");
        assertThat(parent.get("attachments")).contains(":red_circle: Replication lag is 12840 on connector-0",
                        ":large_orange_circle: Replication lag is 12840 on connector-1")
                .doesNotContain(":red_circle: Replication lag is 12840 on connector-1", "`instance=");
        assertThat(slash("U0ALICE001", "snooze 1 1h").statusCode()).isEqualTo(200);
        Eventually.await("snooze on the parent", WAIT, () -> !groupUpdates().isEmpty()
                && groupUpdates().getLast().get("attachments").contains("Snoozed by <@U0ALICE001>"));

        assertThat(click("U0ALICE001", "alert.resolve", "1", false).statusCode()).isEqualTo(200);

        Eventually.await("resolved on the parent", WAIT, () -> groupUpdates().getLast().get("blocks").contains("RESOLVED"));
        RateLimitedSlack.Call resolved = groupUpdates().getLast();
        assertThat(resolved.get("blocks")).contains(":white_check_mark: RESOLVED · P1 · CDCReplicationLagHigh");
        assertThat(resolved.get("attachments")).contains("Resolved by <@U0ALICE001> <!date^",
                        " while Alertmanager still reports 2 alerts firing; a new alert or a new firing episode reopens it.")
                .doesNotContain("2 firing", "firing since", ":red_circle:", ":large_orange_circle:", "Snoozed", "\"alert.ack\"",
                        "\"alert.resolve\"", "\"alert.snooze\"", "\"alert.silence\"", "\"alert.more\"");
        assertThat(resolved.get("attachments")).as("only the Actionable? pair").contains("\"alert.actionable\"");
        assertThat(resolved.get("text")).startsWith("[RESOLVED] P1 · CDCReplicationLagHigh — 2 alerts");
    }

    @Test
    void aChoiceInTheOverflowMenuIsAnsweredAsAClickOnTheButtonItStandsFor() throws Exception {
        start(ExampleText.onTheWallClock());
        webhook("alertmanager", amWebhook("firing", "1", "firing"), TOKEN);
        Eventually.await("first tier paged", WAIT, () -> slack.directMessages().size() == 1);
        com.fasterxml.jackson.databind.JsonNode attachments = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(slack.channelPosts().getFirst().get("attachments"));
        com.fasterxml.jackson.databind.JsonNode controls = attachments.findValues("elements").stream()
                .filter(e -> e.toString().contains("alert.ack")).findFirst().orElseThrow();
        assertThat(controls.size()).isLessThanOrEqualTo(5);
        assertThat(controls.findValues("action_id")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .contains("alert.ack", "alert.resolve", "alert.snooze", "alert.silence", "alert.more");
        assertThat(controls.findValues("value")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .contains("alert.escalate 1", "incident.declare 1");

        HttpResponse<String> chosen = http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, SlackPayloads.overflowChoice(TEAM,
                "U0ALICE001", "C000000001", parentTs(), "alert.more", "alert.escalate 1")), HttpResponse.BodyHandlers.ofString());

        assertThat(chosen.statusCode()).isEqualTo(200);
        Eventually.await("escalated as by the button", WAIT, () -> slack.calls("chat.postEphemeral").stream()
                .anyMatch(e -> e.get("text").startsWith(":arrow_double_up: Escalated #1 *CDCReplicationLagHigh* to tier 3")));
        Eventually.await("the next tier paged", WAIT, () -> slack.directMessages().size() == 2);
        // An option naming no button is only acknowledged.
        assertThat(http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, SlackPayloads.overflowChoice(TEAM,
                "U0ALICE001", "C000000001", parentTs(), "alert.more", "nobody.knows 1")), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String body) {
        try {
            return webhook("alertmanager", body, TOKEN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<RateLimitedSlack.Call> replies() {
        return slack.channelPosts().stream().filter(RateLimitedSlack.Call::isReply).toList();
    }

    /** The group's message: the first post about alerts (a maintenance announcement may come before it). */
    private String parentTs() {
        return slack.tsOf(slack.channelPosts().getFirst());
    }

    @Test
    void twoAcksAtOnceMakeOneAckBothSeeWhoAndAStrangerIsRefusedPrivately() throws Exception {
        start(ExampleText.onTheWallClock());
        webhook("alertmanager", amWebhook("firing", "1", "firing"), TOKEN);
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);

        CompletableFuture<HttpResponse<String>> alice = CompletableFuture.supplyAsync(() -> clickQuietly("U0ALICE001"));
        CompletableFuture<HttpResponse<String>> bob = CompletableFuture.supplyAsync(() -> clickQuietly("U0BOB00001"));
        assertThat(alice.get().statusCode()).isEqualTo(200);
        assertThat(bob.get().statusCode()).isEqualTo(200);
        assertThat(click("U0STRANGE1", "alert.ack", "1", false).statusCode()).isEqualTo(200);
        Eventually.await("ack told once and each clicker answered", WAIT,
                () -> replies().size() == 1 && slack.calls("chat.postEphemeral").size() == 3);
        settle();

        assertThat(replies()).singleElement().satisfies(r -> assertThat(r.get("text")).containsPattern("<@U0(ALICE001|BOB00001)> acknowledged"));
        List<RateLimitedSlack.Call> ephemerals = slack.calls("chat.postEphemeral");
        assertThat(ephemerals).hasSize(3).anySatisfy(e -> {
            assertThat(e.get("user")).isIn("U0ALICE001", "U0BOB00001");
            assertThat(e.get("text")).isEqualTo(":white_check_mark: Acknowledged #1 *CDCReplicationLagHigh* — escalation stopped;"
                    + " resolve within 30m or it starts again");
        });
        assertThat(ephemerals).anySatisfy(e -> {
            assertThat(e.get("user")).isIn("U0ALICE001", "U0BOB00001");
            assertThat(e.get("text")).contains("Already acknowledged by");
        });
        assertThat(ephemerals).anySatisfy(e -> {
            assertThat(e.get("user")).isEqualTo("U0STRANGE1");
            assertThat(e.get("text")).contains("Only the `responders`");
        });
        Eventually.await("parent shows who", WAIT, () -> !groupUpdates().isEmpty()
                && groupUpdates().getLast().get("attachments").contains("Acknowledged by"));
        assertThat(groupUpdates().getLast().get("attachments")).contains("Unacknowledge");
    }

    @Test
    void theOpsCommandsListActAndSnoozeAndASnoozedGroupPostsNothingNewFromItsSource() throws Exception {
        start(ExampleText.onTheWallClock());
        webhook("alertmanager", amWebhook("firing", "1", "firing"), TOKEN);
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);

        assertThat(slash("U0ALICE001", "alerts").body()).contains("Open alert groups", "`1`", "CDCReplicationLagHigh", "P1");
        assertThat(slash("U0ALICE001", "alerts nosuchteam").body()).contains("There is no team");
        assertThat(slash("U0ALICE001", "ack nine").body()).contains("is not an alert group id");
        assertThat(slash("U0ALICE001", "ack 99").body()).contains("There is no alert group `99`");
        assertThat(slash("U0STRANGE1", "ack 1").body()).contains("Only the `responders`");
        assertThat(slash("U0ALICE001", "snooze 1").body()).contains("Say for how long");
        assertThat(slash("U0ALICE001", "snooze 1 1h").statusCode()).isEqualTo(200);
        Eventually.await("snooze told", WAIT, () -> replies().size() == 1);
        assertThat(replies().getFirst().get("text")).contains("<@U0ALICE001> snoozed it until <!date^");

        webhook("alertmanager", amWebhook("firing", "2", "firing", "firing"), TOKEN);
        Eventually.await("new alert on the parent", WAIT, () -> !groupUpdates().isEmpty()
                && groupUpdates().getLast().get("attachments").contains("2 firing"));
        assertThat(groupUpdates().getLast().get("attachments")).contains("Snoozed by <@U0ALICE001>");
        assertThat(slash("U0ALICE001", "ack 1").body()).contains("Acknowledged #1 *CDCReplicationLagHigh*");
        Eventually.await("ack told", WAIT, () -> replies().size() == 2);
        settle();
        assertThat(replies()).extracting(r -> r.get("text")).noneMatch(t -> t.contains("new alert"));
        assertThat(slash("U0BOB00001", "ack 1").body()).contains("Already acknowledged by", "U0ALICE001");
    }

    @Test
    void eachAlertCommandSaysWhatItDidToWhichGroupAndWhatHappensNext() throws Exception {
        start(ExampleText.onTheWallClock());
        webhook("alertmanager", amWebhook("firing", "1", "firing"), TOKEN);
        Eventually.await("first tier paged", WAIT, () -> slack.directMessages().size() == 1 && slack.pageNotes().size() == 1);

        assertThat(answer("U0ALICE001", "ack 1")).isEqualTo(":white_check_mark: Acknowledged #1 *CDCReplicationLagHigh*"
                + " — escalation stopped; resolve within 30m or it starts again");
        // The escalation loop may page the first tier again before the answer is written: either way, it is tier 1.
        assertThat(answer("U0ALICE001", "unack 1")).isEqualTo(":leftwards_arrow_with_hook: Unacknowledged #1"
                + " *CDCReplicationLagHigh* — escalation starts again from tier 1 (On-call engineer).");
        // Within two minutes of Bob's first page, the new page goes into that DM (and its thread).
        Eventually.await("tier 1 paged again", WAIT, () -> slack.pageNotes().size() == 2);
        // P1 skips the Day team (P2 and P3 only): the next tier is the team lead.
        assertThat(answer("U0ALICE001", "escalate 1 lag keeps growing")).isEqualTo(":arrow_double_up: Escalated #1"
                + " *CDCReplicationLagHigh* to tier 3 (Team lead).");
        assertThat(answer("U0ALICE001", "snooze 1 90m")).startsWith(":zzz: Snoozed #1 *CDCReplicationLagHigh* until <!date^")
                .endsWith(" (1h30m): the bot stays quiet about it; the source still fires.");
        assertThat(answer("U0ALICE001", "resolve 1")).isEqualTo(":large_green_circle: Resolved #1 *CDCReplicationLagHigh*"
                + " — escalation stopped.");
        // What nothing changed says why, as before.
        assertThat(answer("U0ALICE001", "resolve 1")).doesNotContain("Resolved #1");
    }

    @Test
    void theWordsPeopleUseForACommandAreAnsweredAsTheCommand() throws Exception {
        start(ExampleText.onTheWallClock());
        webhook("alertmanager", amWebhook("firing", "1", "firing"), TOKEN);
        Eventually.await("parent posted", WAIT, () -> slack.channelPosts().size() == 1);

        // Refused for the same reason, in the same words.
        assertThat(answer("U0STRANGE1", "acknowledge 1")).isEqualTo(answer("U0STRANGE1", "ack 1"))
                .contains("Only the `responders`");
        assertThat(answer("U0ALICE001", "acknowledge 1")).startsWith(":white_check_mark: Acknowledged #1 *CDCReplicationLagHigh*");
        Eventually.await("ack told in the thread", WAIT, () -> replies().size() == 1);
        assertThat(replies().getFirst().get("text")).contains("<@U0ALICE001> acknowledged");
        assertThat(answer("U0BOB00001", "ack 1")).contains("Already acknowledged by", "U0ALICE001");
        assertThat(answer("U0ALICE001", "unacknowledge 1")).startsWith(":leftwards_arrow_with_hook: Unacknowledged #1");
        assertThat(answer("U0ALICE001", "page 1")).startsWith(":arrow_double_up: Escalated #1");
        assertThat(answer("U0ALICE001", "mute 1 1h")).startsWith(":zzz: Snoozed #1");
        assertThat(answer("U0ALICE001", "mute 1")).contains("Say for how long", "Usage: `/ops snooze &lt;id&gt; &lt;duration&gt;`");

        assertThat(answer("U0ALICE001", "help ack")).contains("`/ops ack &lt;id&gt;`", "(also: `/ops acknowledge`)");
        assertThat(answer("U0ALICE001", "help mute")).contains("`/ops snooze", "(also: `/ops mute`)");
        assertThat(answer("U0ALICE001", "help")).contains("(also: `/ops page`)", "(also: `/ops unacknowledge`)",
                "(also: `/ops declare` for `/ops incident declare`)", "(also: `/ops who`, `/ops whoisoncall`)");
        assertThat(answer("U0ALICE001", "acknowlege 1")).contains("`/ops acknowlege` is not a command",
                "Did you mean `/ops acknowledge &lt;id&gt;`?");
    }

    /** The ephemeral answer to a signed {@code /ops} command, as Slack shows it. */
    private String answer(String user, String text) throws Exception {
        HttpResponse<String> response = slash(user, text);
        assertThat(response.statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        return json.path("text").asText();
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        return http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> clickQuietly(String user) {
        try {
            return click(user, "alert.ack", "1", false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void webhooksNeedABearerTokenKeepGoodAlertsNextToBadOnesAndRefuseOnlyWhatIsNotJson() throws Exception {
        start(ExampleText.onTheWallClock());
        String body = amWebhook("firing", "1", "firing");

        assertThat(webhook("alertmanager", body, null).statusCode()).isEqualTo(401);
        assertThat(webhook("alertmanager", body, "wrong").statusCode()).isEqualTo(401);
        assertThat(webhook("alertmanager", body, "old-token").statusCode()).isEqualTo(200);
        assertThat(webhook("alertmanager", "{not json", TOKEN).statusCode()).isEqualTo(400);

        String hostile = """
                {"version":"4","groupKey":"g2","status":"firing","receiver":"r","externalURL":"javascript:alert(1)",
                 "groupLabels":{"alertname":"Mixed"},"alerts":[
                  {"status":"firing","labels":{"alertname":"Mixed","team":"cdc","n":"1"},"annotations":{"summary":"good one 🔥 ünïcødé"},
                   "startsAt":"2026-11-22T03:00:00Z","fingerprint":"good1"},
                  {"status":"firing","labels":"not-an-object","startsAt":"2026-11-22T03:00:00Z","fingerprint":"bad1"},
                  {"status":"exploded","labels":{"alertname":"Mixed"},"startsAt":"2026-11-22T03:00:00Z"},
                  {"status":"firing","labels":{"alertname":"Mixed"},"startsAt":12345},
                  {"status":"firing","labels":{"alertname":"Mixed","nested":{"a":1}},"startsAt":"2026-11-22T03:00:00Z"},
                  {"status":"firing","labels":{%s},"startsAt":"2026-11-22T03:00:00Z"},
                  {"status":"firing","labels":{"alertname":"Mixed","team":"cdc","n":"2"},
                   "annotations":{"summary":"*bold* <@U0CTO00001> <!here> %s"},"startsAt":"2026-11-22T03:00:00Z","fingerprint":"good2"}
                ]}""".formatted(hugeLabels(), "x".repeat(10_000));
        HttpResponse<String> mixed = webhook("alertmanager", hostile, TOKEN);
        assertThat(mixed.statusCode()).isEqualTo(200);
        assertThat(mixed.body()).contains("\"accepted\":2", "\"rejected\":5");

        Eventually.await("both groups posted", WAIT, () -> slack.channelPosts().size() == 2);
        String posted = slack.channelPosts().get(1).get("attachments");
        assertThat(posted).contains("good one 🔥 ünïcødé", "&lt;@U0CTO00001&gt;", "&lt;!here&gt;")
                .doesNotContain("<@U0CTO00001>", "<!here>", "Silence…");
        assertThat(posted.length()).isLessThan(12_000);

        String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("opsbot_alerts_rejected_total{reason=\"bad-type\",source=\"alertmanager\"} 3.0",
                "opsbot_alerts_rejected_total{reason=\"bad-value\",source=\"alertmanager\"} 1.0",
                "opsbot_alerts_rejected_total{reason=\"too-large\",source=\"alertmanager\"} 1.0",
                "opsbot_alerts_rejected_total{reason=\"bad-body\",source=\"alertmanager\"} 1.0",
                "opsbot_alerts_received_total{source=\"alertmanager\"} 3.0");
    }

    @Test
    void anAlertWithATimeOutOfRangeIsNamedAndCountedAndTheGoodAlertsOfItsWebhookAreStoredAndPosted() throws Exception {
        start(ExampleText.onTheWallClock());
        String body = """
                {"version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","status":"firing","receiver":"opsbot",
                 "externalURL":"http://127.0.0.1:1","groupLabels":{"alertname":"DiskFull"},"truncatedAlerts":0,"alerts":[
                  {"status":"firing","labels":{"alertname":"DiskFull","team":"cdc","instance":"db-1"},
                   "annotations":{"summary":"db-1 disk is 97% full"},"startsAt":"2026-11-22T03:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","fingerprint":"good-now"},
                  {"status":"firing","labels":{"alertname":"DiskFull","team":"cdc","instance":"db-2"},
                   "annotations":{"summary":"db-2 from the far future"},"startsAt":"+300000000-01-01T00:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","fingerprint":"far-start"},
                  {"status":"resolved","labels":{"alertname":"DiskFull","team":"cdc","instance":"db-3"},
                   "annotations":{"summary":"db-3 ends never"},"startsAt":"2026-11-22T02:00:00Z",
                   "endsAt":"+999999999-12-31T23:59:59Z","fingerprint":"far-end"},
                  {"status":"firing","labels":{"alertname":"DiskFull","team":"cdc","instance":"db-4"},
                   "annotations":{"summary":"db-4 since the epoch"},"startsAt":"1970-01-01T00:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","fingerprint":"good-epoch"}]}""";

        HttpResponse<String> answer = webhook("alertmanager", body, TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"accepted\":2", "\"rejected\":2");
        com.fasterxml.jackson.databind.JsonNode problems = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(answer.body()).get("problems");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(problems.get(0).get("fingerprint").asText()).isEqualTo("far-start");
        assertThat(problems.get(0).get("alertname").asText()).isEqualTo("DiskFull");
        assertThat(problems.get(0).get("reason").asText()).isEqualTo("bad-time");
        assertThat(problems.get(0).get("problem").asText()).contains("startsAt", "+300000000-01-01T00:00:00Z",
                "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
        assertThat(problems.get(1).get("index").asInt()).isEqualTo(2);
        assertThat(problems.get(1).get("fingerprint").asText()).isEqualTo("far-end");
        assertThat(problems.get(1).get("reason").asText()).isEqualTo("bad-time");
        assertThat(problems.get(1).get("problem").asText()).contains("endsAt", "0001-01-01T00:00:00Z");

        Eventually.await("the group posted", WAIT, () -> slack.channelPosts().size() == 1);
        assertThat(slack.channelPosts().getFirst().get("attachments"))
                .contains("db-1 disk is 97% full", "db-4 since the epoch")
                .doesNotContain("far future", "ends never");
        org.opsbot.commands.store.AlertStore store = new org.opsbot.commands.store.AlertStore(bot.database());
        long group = store.open(Optional.empty(), 10).getFirst().id();
        assertThat(store.alerts(group))
                .extracting(org.opsbot.commands.model.StoredAlert::fingerprint, org.opsbot.commands.model.StoredAlert::startsAt)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("good-now", java.time.Instant.parse("2026-11-22T03:00:00Z").toEpochMilli()),
                        org.assertj.core.groups.Tuple.tuple("good-epoch", 0L));

        String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("opsbot_alerts_rejected_total{reason=\"bad-time\",source=\"alertmanager\"} 2.0",
                "opsbot_alerts_received_total{source=\"alertmanager\"} 2.0");
    }

    private static String hugeLabels() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            labels.add("\"l" + i + "\":\"v\"");
        }
        return String.join(",", labels);
    }

    @Test
    void grafanaAndGenericAlertsAreGroupedByTheirRoutesAndAWebhookWithoutTokensConfiguredSaysHowToEnableIt() throws Exception {
        start(ExampleText.onTheWallClock());
        String grafana = """
                {"receiver":"opsbot","status":"firing","orgId":1,"alerts":[{"status":"firing",
                 "labels":{"alertname":"ExtractionStalled","center":"berlin","severity":"warning","grafana_folder":"ops"},
                 "annotations":{"summary":"No extraction for 20 minutes in berlin"},"startsAt":"2026-11-22T03:00:00.157076+02:00",
                 "endsAt":"0001-01-01T00:00:00Z","generatorURL":"https://grafana.example/alerting/grafana/abc/view",
                 "fingerprint":"c6eadffa33fcdf37","silenceURL":"https://grafana.example/alerting/silence/new","dashboardURL":"",
                 "panelURL":"","values":{"B":1200.5,"C":1}}],"groupLabels":{"alertname":"ExtractionStalled"},
                 "commonLabels":{"alertname":"ExtractionStalled"},"commonAnnotations":{},"externalURL":"https://grafana.example/",
                 "version":"1","groupKey":"{}:{alertname=\\"ExtractionStalled\\"}","truncatedAlerts":0,
                 "title":"[FIRING:1] ExtractionStalled","state":"alerting","message":"…"}""";
        assertThat(webhook("grafana", grafana, TOKEN).body()).contains("\"accepted\":1");
        String generic = """
                {"title":"Nightly backup failed","severity":"critical","status":"firing","fingerprint":"backup-nightly",
                 "labels":{"team":"cdc","host":"db-1"},"annotations":{"description":"pg_dump exited 1"}}""";
        assertThat(webhook("generic", generic, TOKEN).body()).contains("\"accepted\":1");
        assertThat(webhook("generic", generic, TOKEN).body()).contains("\"repeated\":1");

        Eventually.await("two groups posted", WAIT, () -> slack.channelPosts().size() == 2);
        settle();
        assertThat(slack.channelPosts()).extracting(c -> c.get("channel"))
                .containsExactlyInAnyOrder("#extraction-alerts", "#cdc-alerts");
        assertThat(slack.channelPosts()).anySatisfy(c ->
                assertThat(c.get("attachments")).contains("P2", "No extraction for 20 minutes", "B=1200.5"));
    }

    @Test
    void anAlertStormOf1000AlertsIn50GroupsIsStoredAtOnceAndReachesSlackWithEveryRateLimitHandled() throws Exception {
        StringBuilder yaml = new StringBuilder("slack: {default-channel: \"#alerts\"}\nroles: {responders: [U0ALICE001]}\nteams:\n");
        for (int t = 0; t < 10; t++) {
            yaml.append("  team").append(t).append(": {channel: \"#storm-").append(t)
                    .append("\", responders: responders, severity-map: {critical: P1}}\n");
        }
        yaml.append("routes:\n");
        for (int t = 0; t < 10; t++) {
            yaml.append("  - {match: {team: team").append(t).append("}, team: team").append(t).append("}\n");
        }
        yaml.append("  - {team: team0}\n");
        Path file = Files.createTempFile("storm", ".yaml");
        Files.writeString(file, yaml);
        start(ConfigLoader.load(file, true).require());

        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int g = 0; g < 50; g++) {
            String body = stormWebhook(g);
            sent.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return webhook("alertmanager", body, TOKEN);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (var f : sent) {
            assertThat(f.get().body()).contains("\"accepted\":20");
        }
        long storedMillis = (System.nanoTime() - started) / 1_000_000;
        Eventually.await("every parent posted", Duration.ofSeconds(60), () -> slack.channelPosts().size() == 50);
        settle();

        assertThat(slack.channelPosts()).noneMatch(RateLimitedSlack.Call::isReply);
        assertThat(slack.channelPosts().stream()
                .collect(java.util.stream.Collectors.groupingBy(c -> c.get("channel"), java.util.stream.Collectors.counting())))
                .hasSize(10).allSatisfy((channel, parents) -> assertThat(parents).isEqualTo(5L));
        String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("opsbot_outbox_pending 0.0", "opsbot_slack_calls_total{outcome=\"failed\"} 0.0");
        System.out.printf("storm: 1000 alerts in 50 webhooks stored in %d ms; 50 parents posted; Slack answered 429 %d times, all retried%n",
                storedMillis, slack.rateLimited());
    }

    /**
     * New groups in channels of their own each get their parent at once, with no 429: one post a
     * channel is within Slack's limit. How fast (webhook → parent, p99 under 1 s) is a figure of
     * {@code AlertIntakeBenchmark}, not an assertion of the default run.
     */
    @Test
    void newGroupsInChannelsOfTheirOwnArePostedOnceEachWithoutMeetingARateLimit() throws Exception {
        int groups = 10;
        StringBuilder yaml = new StringBuilder("teams:\n");
        for (int t = 0; t < groups; t++) {
            yaml.append("  t").append(t).append(": {channel: \"#latency-").append(t).append("\"}\n");
        }
        yaml.append("routes:\n");
        for (int t = 0; t < groups; t++) {
            yaml.append("  - {match: {team: t").append(t).append("}, team: t").append(t).append("}\n");
        }
        yaml.append("  - {team: t0}\n");
        Path file = Files.createTempFile("latency", ".yaml");
        Files.writeString(file, yaml);
        start(ConfigLoader.load(file, true).require());

        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            String body = stormWebhook(g).replace("\"team\":\"team" + (g % 10) + "\"", "\"team\":\"t" + g + "\"");
            sent.add(CompletableFuture.supplyAsync(() -> send(body)));
        }
        for (var answer : sent) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }
        Eventually.await("every parent posted", WAIT, () -> slack.channelPosts().size() == groups);
        settle();

        assertThat(slack.channelPosts()).extracting(c -> c.get("channel")).as("one parent in each group's channel")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, groups).mapToObj(g -> "#latency-" + g).toList());
        assertThat(slack.rateLimited()).isZero();
    }

    private static String stormWebhook(int group) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"Storm%d","team":"team%d","severity":"critical","pod":"pod-%d"},
                     "annotations":{"summary":"pod-%d is down"},"startsAt":"2026-11-22T03:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                     "generatorURL":"http://prometheus:9090/graph","fingerprint":"s%02d%02d"}"""
                    .formatted(group, group % 10, i, i, group, i));
        }
        return """
                {"receiver":"opsbot","status":"firing","alerts":[%s],"groupLabels":{"alertname":"Storm%d"},"commonLabels":{},
                 "commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"Storm%d\\"}","truncatedAlerts":0}""".formatted(alerts, group, group);
    }
}
