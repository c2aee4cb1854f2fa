package org.opsbot.bot.incidents;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
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
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The postmortem file and the incident's own channel go through the durable outbox: asked for
 * while Slack cannot be reached, they are made once Slack is back, however many tries that
 * took, and made once even when Slack acted on a call whose answer was lost.
 */
class IncidentSlackCallsThroughOutageTest {
    private static final String SECRET = "incident-outage-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String HERE = "C2147483705";
    private static final String OWN = "C0OWN00001";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private Bot bot;
    private StubMapping outage;
    @TempDir
    Path dir;

    private void start(OpsbotConfig config) throws Exception {
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
        slack.stubFor(post(urlPathEqualTo("/api/files.info")).willReturn(okJson(
                "{\"ok\":true,\"file\":{\"id\":\"F0PM000001\",\"channels\":[\"" + HERE + "\"],"
                        + "\"shares\":{\"public\":{\"" + HERE + "\":[{\"ts\":\"1763780401.000200\"}]}}}}")));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.invite")).willReturn(okJson("{\"ok\":true,\"channel\":{\"id\":\"" + OWN + "\"}}")));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.list")).willReturn(okJson(
                "{\"ok\":true,\"channels\":[{\"id\":\"" + OWN + "\",\"name\":\"inc-1-orders-are-not-replicated\"},"
                        + "{\"id\":\"C0INC00001\",\"name\":\"incidents\"}],\"response_metadata\":{\"next_cursor\":\"\"}}")));
        // Posts tried while Slack was away are looked for before they are made again: not there.
        slack.stubFor(post(urlPathMatching("/api/conversations\\.(history|replies)")).willReturn(okJson(
                "{\"ok\":true,\"messages\":[],\"has_more\":false}")));
        // Slack acts on each of these once but the answer is lost (the connection drops); asked
        // again, it answers as Slack does for something that is done already.
        slack.stubFor(post(urlPathEqualTo("/api/conversations.create")).inScenario("create").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("created"));
        slack.stubFor(post(urlPathEqualTo("/api/conversations.create")).inScenario("create").whenScenarioStateIs("created")
                .willReturn(okJson("{\"ok\":false,\"error\":\"name_taken\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/files.completeUploadExternal")).inScenario("share").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("shared"));
        slack.stubFor(post(urlPathEqualTo("/api/files.completeUploadExternal")).inScenario("share").whenScenarioStateIs("shared")
                .willReturn(okJson("{\"ok\":true,\"files\":[{\"id\":\"F0PM000001\"}]}")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), Files.createDirectories(dir.resolve("runbooks")),
                Files.createDirectories(dir.resolve("templates")), List.of("hook-token"), Optional.of(TEAM), List.of());
        bot = Bot.start(settings, config, clock);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
    }

    private void slackGoesAway() {
        outage = slack.stubFor(any(urlPathMatching("/api/.*")).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    private void slackComesBack() {
        slack.removeStub(outage);
    }

    /**
     * Waits for {@code tries} failed tries at {@code path}: more than the three a worker thread
     * used to make before giving up. (The outbox backs off on the wall clock, whatever clock
     * the incidents run on.)
     */
    private void outboxKeepsTrying(String path, int tries) {
        Eventually.await(tries + " tries at " + path, Duration.ofSeconds(30), () -> calls(path).size() >= tries);
    }

    /** Slack is back: the outbox's next tries (at most 10 s apart while Slack was away) get through. */
    private void untilDone(String what, java.util.function.BooleanSupplier condition) {
        Eventually.await(what, Duration.ofSeconds(30), condition);
    }

    private String opsIn(String channel, String user, String text) throws Exception {
        String form = SlackPayloads.slashCommand(TEAM, user, text).replace("channel_id=C2147483705", "channel_id=" + channel);
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, form), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
        return (json.has("response_type") ? json.get("response_type").getAsString() + "\n" : "") + json.get("text").getAsString();
    }

    private List<String> calls(String path) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(path))).stream().map(LoggedRequest::getBodyAsString)
                .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aPostmortemAskedForWhileSlackIsAwayIsSharedOnceWhenItIsBack() throws Exception {
        start(ConfigLoader.bundledExample().require());
        opsIn(HERE, ALICE, "incident declare P2 team=cdc Orders are not replicated");
        opsIn(HERE, ALICE, "incident resolve #1");
        Eventually.await("the incident message", WAIT,
                () -> calls("/api/chat.postMessage").stream().anyMatch(b -> b.contains("channel=#incidents")));

        slackGoesAway();
        assertThat(opsIn(HERE, BOB, "postmortem 1")).contains("Writing the postmortem of *#1");
        outboxKeepsTrying("/api/files.getUploadURLExternal", 4);
        assertThat(calls("/api/files.completeUploadExternal")).isEmpty();

        slackComesBack();
        untilDone("the summary below the shared file", () -> calls("/api/chat.postMessage").stream()
                .anyMatch(b -> b.contains("channel=" + HERE) && b.contains("Postmortem of *#1")));
        assertThat(calls("/api/files.info")).as("the lost answer looked up").hasSize(1);
        assertThat(calls("/api/files.completeUploadExternal")).as("shared once, though its answer was lost").hasSize(1)
                .allSatisfy(b -> assertThat(b).contains("channel_id=" + HERE, "F0PM000001"));
        assertThat(slack.findAll(postRequestedFor(urlPathEqualTo("/upload/F0PM000001")))).hasSize(1)
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("# Postmortem: Orders are not replicated"));
    }

    @Test
    void anIncidentChannelAskedForWhileSlackIsAwayIsCreatedOnceAndTheIncidentKnowsIt() throws Exception {
        Path file = dir.resolve("opsbot.yaml");
        Files.writeString(file, ConfigLoader.exampleText().replace("incidents-channel: \"#incidents\"",
                "incidents-channel: \"#incidents\"\n  incident-channels: true"));
        start(ConfigLoader.load(file, false).require());

        slackGoesAway();
        assertThat(opsIn(HERE, ALICE, "incident declare P2 team=cdc Orders are not replicated")).startsWith("in_channel");
        outboxKeepsTrying("/api/conversations.create", 4);

        slackComesBack();
        untilDone("the channel's first message", () -> calls("/api/chat.postMessage").stream()
                .anyMatch(b -> b.contains("channel=" + OWN) && b.contains("This channel is for *#1")));
        untilDone("the channel named in the incident's thread", () -> calls("/api/chat.postMessage").stream()
                .anyMatch(b -> b.contains("Working channel: <#" + OWN + ">")));
        assertThat(calls("/api/conversations.invite")).hasSize(1).allSatisfy(b -> assertThat(b).contains("channel=" + OWN, ALICE, BOB));
        assertThat(calls("/api/chat.postMessage").stream().filter(b -> b.contains("This channel is for"))).hasSize(1);

        assertThat(opsIn(OWN, BOB, "incident update Failover started")).startsWith("in_channel")
                .contains("*#1 Orders are not replicated*", "Failover started");
    }
}
