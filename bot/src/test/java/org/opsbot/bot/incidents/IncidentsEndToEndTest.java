package org.opsbot.bot.incidents;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** A whole incident through signed slash commands to the assembled bot, ending in its postmortem file. */
class IncidentsEndToEndTest {
    private static final String SECRET = "incidents-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String HOOK_TOKEN = "incidents-e2e-hook-token";

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private Bot bot;
    @TempDir
    Path runbooks;
    @TempDir
    Path templates;

    private void start() {
        start(ConfigLoader.bundledExample().require());
    }

    private void start(org.opsbot.commands.config.OpsbotConfig config) {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0INC00001\",\"ts\":\"1763780400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0INC00001\",\"ts\":\"1763780400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        slack.stubFor(post(urlPathEqualTo("/api/dnd.info")).willReturn(okJson("{\"ok\":true,\"dnd_enabled\":false,\"snooze_enabled\":false}")));
        slack.stubFor(post(urlPathEqualTo("/api/files.getUploadURLExternal")).willReturn(okJson(
                "{\"ok\":true,\"upload_url\":\"" + slack.baseUrl() + "/upload/F0PM000001\",\"file_id\":\"F0PM000001\"}")));
        slack.stubFor(post(urlPathEqualTo("/upload/F0PM000001")).willReturn(aResponse().withStatus(200).withBody("OK - 1234")));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.create")).willReturn(okJson(
                "{\"ok\":true,\"channel\":{\"id\":\"C0OWN00001\",\"name\":\"inc-1-orders-are-not-replicated\"}}")));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.invite")).willReturn(okJson(
                "{\"ok\":true,\"channel\":{\"id\":\"C0OWN00001\"}}")));
        slack.stubFor(post(urlPathEqualTo("/api/files.completeUploadExternal")).willReturn(okJson(
                "{\"ok\":true,\"files\":[{\"id\":\"F0PM000001\",\"title\":\"Postmortem\"}]}")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                templates, List.of(HOOK_TOKEN), Optional.of(TEAM), List.of());
        bot = Bot.start(settings, config, clock);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
    }

    private String ops(String user, String text) throws Exception {
        return opsIn("C2147483705", user, text);
    }

    private String opsIn(String channel, String user, String text) throws Exception {
        String form = SlackPayloads.slashCommand(TEAM, user, text).replace("channel_id=C2147483705", "channel_id=" + channel);
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, form), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
        String shown = (json.has("response_type") ? json.get("response_type").getAsString() + "\n" : "")
                + json.get("text").getAsString();
        return shown.replace("\\u003c", "<").replace("\\u003e", ">");
    }

    private List<String> calls(String path) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(path))).stream().map(LoggedRequest::getBodyAsString)
                .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aWholeIncidentEndsInAPostmortemWithItsTimelineInOrderAndItsDurations() throws Exception {
        start();
        assertThat(ops(ALICE, "incident declare P1 team=cdc Orders are not replicated"))
                .startsWith("in_channel").contains("<@" + ALICE + "> declared P1", "*#1 Orders are not replicated*", "Paging team *cdc*");
        Eventually.await("the incident message", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("channel=#incidents")));

        clock.advance(Duration.ofMinutes(3));
        assertThat(ops(BOB, "incident ack")).contains("<@" + BOB + "> acknowledged *#1");
        assertThat(ops(ALICE, "incident ack #1")).startsWith("ephemeral").contains("acknowledged it already");
        clock.advance(Duration.ofMinutes(10));
        assertThat(ops(ALICE, "incident update  Failing over to  db2")).contains("Failing over to  db2");
        assertThat(ops(ALICE, "incident commander <@" + BOB + "|bob>")).contains("<@" + BOB + "> commands *#1");
        clock.advance(Duration.ofMinutes(5));
        assertThat(ops(BOB, "incident mitigated")).contains("mitigated");
        clock.advance(Duration.ofMinutes(30));
        assertThat(ops(BOB, "incident resolve #1")).contains("resolved *#1", "/ops postmortem 1");
        assertThat(ops(BOB, "incident list")).contains("No open incidents");
        Eventually.await("the incident message updated in place", Duration.ofSeconds(10),
                () -> calls("/api/chat.update").stream().anyMatch(b -> b.contains("Resolved")));

        assertThat(ops(BOB, "postmortem")).startsWith("ephemeral").contains("Writing the postmortem of *#1");
        Eventually.await("the postmortem shared", Duration.ofSeconds(15),
                () -> !calls("/api/files.completeUploadExternal").isEmpty());
        String md = slack.findAll(postRequestedFor(urlPathEqualTo("/upload/F0PM000001"))).getFirst().getBodyAsString();
        assertThat(md).contains("# Postmortem: Orders are not replicated", "| Severity | P1 (Complete outage or data loss) |",
                "Time to acknowledge: 3m (target 5m, met)", "Time to mitigate: 18m", "Time to resolve: 48m",
                "| 2026-11-22 03:03:00 UTC | 3m | U0BOB00001 | acknowledged the incident |",
                "| 2026-11-22 03:13:00 UTC | 13m | U0ALICE001 | Failing over to  db2 |",
                "| 2026-11-22 03:48:00 UTC | 48m | U0BOB00001 | resolved the incident |", "## Root cause");
        assertThat(md.indexOf("P1 declared")).isLessThan(md.indexOf("acknowledged the incident"));
        assertThat(md.indexOf("acknowledged the incident")).isLessThan(md.indexOf("Failing over"));
        assertThat(md.indexOf("Failing over")).isLessThan(md.indexOf("is the commander now"));
        assertThat(md.indexOf("is the commander now")).isLessThan(md.indexOf("marked the impact mitigated"));
        assertThat(md.indexOf("marked the impact mitigated")).isLessThan(md.indexOf("resolved the incident"));
        assertThat(calls("/api/files.completeUploadExternal").getFirst()).contains("channel_id=C2147483705", "F0PM000001");
        Eventually.await("the summary after the file", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("Postmortem of *#1")
                        && b.contains("acknowledged after 3m") && b.contains("resolved after 48m")));
    }

    @Test
    void declaringTheTopSeverityNeedsItsPermission() throws Exception {
        start();
        assertThat(ops("U0CAROL001", "incident declare P1 Everything is down")).startsWith("ephemeral")
                .contains("You may not declare a P1");
        assertThat(ops("U0CAROL001", "incident declare P2 Checkout is slow")).startsWith("in_channel").contains("declared P2");
        assertThat(ops("U0CAROL001", "incident declare P9 Nope")).contains("There is no severity `P9`");
    }

    @Test
    void declareIsIncidentDeclareWithItsPermission() throws Exception {
        start();
        assertThat(ops("U0CAROL001", "declare P1 Everything is down"))
                .isEqualTo(ops("U0CAROL001", "incident declare P1 Everything is down"))
                .startsWith("ephemeral").contains("You may not declare a P1");
        assertThat(ops("U0CAROL001", "declare P2 team=cdc Checkout is slow")).startsWith("in_channel")
                .contains("<@U0CAROL001> declared P2 *#1 Checkout is slow* and commands it.");
        assertThat(ops("U0CAROL001", "incident list")).contains("`#1` P2 · Checkout is slow");
        assertThat(ops("U0CAROL001", "declare")).contains("Say the severity and a title", "Usage: `/ops incident declare");
    }

    @Test
    void aTitleWithAnAmpersandAndAnglesIsShownAsTypedNotEscapedTwice() throws Exception {
        start();
        // As Slack sends "R&D <build> is red": it escapes the three characters itself.
        assertThat(ops(ALICE, "incident declare P3 R&amp;D &lt;build&gt; is red"))
                .contains("*#1 R&amp;D &lt;build&gt; is red*").doesNotContain("&amp;amp;", "&amp;lt;");
    }

    @Test
    void aTemplateErrorIsTheAnswerAndNothingIsPosted() throws Exception {
        Files.writeString(templates.resolve("postmortem.md.ftl"), "# ${incident.title}\n\n${incident.rootCause}\n");
        start();
        ops(ALICE, "incident declare P3 Search is slow");

        String answer = ops(ALICE, "postmortem 1");

        assertThat(answer).startsWith("ephemeral").contains("nothing was posted", "Template postmortem.md.ftl, line 3:",
                "incident.rootCause");
        Thread.sleep(500);
        assertThat(calls("/api/files.getUploadURLExternal")).isEmpty();
    }

    @Test
    void aTemplateInTheTemplatesFolderReplacesTheBundledOne() throws Exception {
        Files.writeString(templates.resolve("postmortem-P3.md.ftl"), "P3 notes for ${incident.title}: ${timeline?size} event(s)\n");
        start();
        ops(ALICE, "incident declare P3 Search is slow");

        ops(ALICE, "postmortem #1");

        Eventually.await("the postmortem shared", Duration.ofSeconds(15),
                () -> !calls("/api/files.completeUploadExternal").isEmpty());
        assertThat(slack.findAll(postRequestedFor(urlPathEqualTo("/upload/F0PM000001"))).getFirst().getBodyAsString())
                .isEqualTo("P3 notes for Search is slow: 1 event(s)\n");
    }

    @Test
    void declareIncidentOnAnAlertGroupLinksItAndItsAlertsReachThePostmortem() throws Exception {
        start();
        String webhook = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"CDCReplicationLagHigh","team":"cdc","severity":"critical"},
                  "annotations":{"summary":"Replication lag is 1200s"},"startsAt":"2026-11-22T02:58:00Z",
                  "endsAt":"0001-01-01T00:00:00Z","fingerprint":"fp1"}],
                 "groupLabels":{"alertname":"CDCReplicationLagHigh"},"commonLabels":{"team":"cdc"},"commonAnnotations":{},
                 "externalURL":"http://127.0.0.1:1","version":"4","groupKey":"{}:{alertname=\\"CDCReplicationLagHigh\\"}",
                 "truncatedAlerts":0}""";
        HttpResponse<String> intake = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + HOOK_TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(webhook)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(intake.statusCode()).isEqualTo(200);
        Eventually.await("the alert's message", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("Declare incident")));

        String click = SlackPayloads.blockActions(TEAM, ALICE, "alice", "C0CDC00001", "1763780300.000100",
                "incident.declare", "1", false);
        assertThat(http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, click),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        Eventually.await("the incident message and the reply in the alert's thread", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("channel=#incidents")
                        && b.contains("CDCReplicationLagHigh"))
                        && calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("thread_ts=1763780300.000100")
                        && b.contains("declared P1")));
        clock.advance(Duration.ofMinutes(2));
        ops(BOB, "incident resolve #1");
        ops(BOB, "postmortem 1");
        Eventually.await("the postmortem shared", Duration.ofSeconds(15),
                () -> !calls("/api/files.completeUploadExternal").isEmpty());
        String md = slack.findAll(postRequestedFor(urlPathEqualTo("/upload/F0PM000001"))).getFirst().getBodyAsString();
        assertThat(md).contains("| Team | cdc |", "- Alert group #1: CDCReplicationLagHigh (cdc, firing)",
                "CDCReplicationLagHigh fired: Replication lag is 1200s", "linked alert group #1");
        assertThat(md.indexOf("CDCReplicationLagHigh fired")).isLessThan(md.indexOf("P1 declared"));
    }

    @Test
    void aQuietIncidentRemindsItsCommanderInItsThreadAndByDirectMessage() throws Exception {
        start();
        ops(ALICE, "incident declare P1 team=cdc Orders are not replicated");
        ops(ALICE, "incident commander <@" + BOB + "|bob>");

        clock.advance(Duration.ofMinutes(31));

        Eventually.await("the reminder by direct message", Duration.ofSeconds(20), () -> calls("/api/chat.postMessage").stream()
                .anyMatch(b -> b.contains("channel=" + BOB) && b.contains("has had no update for 30m")));
        Eventually.await("the reminder in the incident's thread", Duration.ofSeconds(10), () -> calls("/api/chat.postMessage")
                .stream().anyMatch(b -> b.contains("thread_ts=") && b.contains("<@" + BOB + ">, *#1")
                        && b.contains("/ops incident update #1")));
    }

    @Test
    void withIncidentChannelsEachIncidentGetsOneWithItsPeopleAndCommandsThereNeedNoId(@TempDir Path config) throws Exception {
        Path file = config.resolve("opsbot.yaml");
        Files.writeString(file, ConfigLoader.exampleText().replace("incidents-channel: \"#incidents\"",
                "incidents-channel: \"#incidents\"\n  incident-channels: true"));
        start(ConfigLoader.load(file, false).require());

        ops(ALICE, "incident declare P2 team=cdc Orders are not replicated");

        Eventually.await("the channel created and announced", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("channel=C0OWN00001")
                        && b.contains("This channel is for *#1")));
        assertThat(calls("/api/conversations.create").getFirst()).contains("name=inc-1-orders-are-not-replicated");
        assertThat(calls("/api/conversations.invite").getFirst()).contains("channel=C0OWN00001", ALICE, BOB);
        Eventually.await("the channel named in the incident's thread", Duration.ofSeconds(10),
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("Working channel: <#C0OWN00001>")));

        assertThat(opsIn("C0OWN00001", BOB, "incident update Failover started")).startsWith("in_channel")
                .contains("*#1 Orders are not replicated*", "Failover started");
    }
}
