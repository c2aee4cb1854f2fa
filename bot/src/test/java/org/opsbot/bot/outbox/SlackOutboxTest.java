package org.opsbot.bot.outbox;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.slack.api.model.block.Blocks;
import com.slack.api.model.block.composition.BlockCompositions;
import com.slack.api.model.block.element.BlockElements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.model.OutboxEntry;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.SettingStore;
import org.opsbot.commands.store.TestDatabases;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class SlackOutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String POST = "/api/chat.postMessage";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final Clock clock = Clock.systemUTC();
    private final String dbUrl = TestDatabases.sqliteUrl();
    private Database db;
    private SlackOutbox running;

    @BeforeEach
    void start() {
        slack.start();
        slack.stubFor(post(POST).willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000100\"}")));
        slack.stubFor(post("/api/chat.update").willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000100\"}")));
        slack.stubFor(post("/api/chat.postEphemeral").willReturn(okJson("{\"ok\":true,\"message_ts\":\"1700000000.000200\"}")));
        db = Database.open(dbUrl);
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        db.close();
        slack.stop();
    }

    private SlackOutbox startOutbox(Duration slackTimeout) {
        running = SlackOutbox.start(db, Optional.of("xoxb-test"), slack.baseUrl() + "/api/", slackTimeout, clock);
        return running;
    }

    private OutboxEntry entry(long id) {
        return new OutboxStore(db, clock).find(id).orElseThrow();
    }

    private List<LoggedRequest> posts() {
        return slack.findAll(postRequestedFor(urlEqualTo(POST)));
    }

    private static String param(LoggedRequest request, String name) {
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void awaitSent(long id) {
        Eventually.await("outbox call " + id + " sent", WAIT, () -> entry(id).status() == OutboxEntry.Status.SENT);
    }

    @Test
    void aPostReachesSlackWithItsTextFallbackBlocksAndOutboxIdInMetadata() {
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();
        long id = outbox.post("#alerts", SlackMessage.of("Disk almost full on db-1", Blocks.asBlocks(
                Blocks.section(s -> s.text(BlockCompositions.markdownText("*Disk almost full* on `db-1`"))),
                Blocks.actions(a -> a.elements(List.of(BlockElements.button(b -> b.actionId("ack")
                        .text(BlockCompositions.plainText("Acknowledge")))))))));

        awaitSent(id);
        LoggedRequest request = posts().getFirst();
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer xoxb-test");
        assertThat(param(request, "channel")).isEqualTo("#alerts");
        assertThat(param(request, "text")).isEqualTo("Disk almost full on db-1");
        assertThat(param(request, "blocks")).contains("\"type\":\"section\"", "*Disk almost full*", "\"action_id\":\"ack\"");
        assertThat(param(request, "metadata")).contains("\"event_type\":\"opsbot_outbox\"", "\"outbox_id\":" + id);
        assertThat(entry(id).sentChannel()).isEqualTo("C0ALERTS1");
        assertThat(entry(id).sentTs()).isEqualTo("1700000000.000100");
        assertThat(running.reachability().status().state()).isEqualTo(SlackReachability.State.REACHABLE);
    }

    @Test
    void aRateLimitedPostIsDeliveredOnceAfterTheRetryAfterWait() {
        slack.stubFor(post(POST).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("{\"ok\":false,\"error\":\"ratelimited\"}"))
                .willSetStateTo("allowed"));
        slack.stubFor(post(POST).inScenario("429").whenScenarioStateIs("allowed")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000100\"}")));
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();

        long id = outbox.post("#alerts", SlackMessage.text("first alert"));

        awaitSent(id);
        List<LoggedRequest> posts = posts();
        assertThat(posts).hasSize(2);
        long waitedMillis = posts.get(1).getLoggedDate().getTime() - posts.get(0).getLoggedDate().getTime();
        assertThat(waitedMillis).as("waited for Retry-After").isGreaterThanOrEqualTo(1_900);
        assertThat(running.stats().rateLimited()).isEqualTo(1);
    }

    @Test
    void messagesWrittenWhileSlackIsDownAreAllSentInOrderWhenItIsBack() {
        slack.stubFor(post(POST).atPriority(1).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Outbox outbox = startOutbox(Duration.ofSeconds(2)).outbox();
        List<Long> alerts = List.of(
                outbox.post("#alerts", SlackMessage.text("alert 1")),
                outbox.post("#alerts", SlackMessage.text("alert 2")),
                outbox.post("#alerts", SlackMessage.text("alert 3")));
        long other = outbox.post("#db-alerts", SlackMessage.text("db alert"));

        Eventually.await("Slack unreachable noticed", WAIT,
                () -> running.reachability().status().state() == SlackReachability.State.UNREACHABLE);
        assertThat(entry(alerts.getFirst()).status()).isEqualTo(OutboxEntry.Status.PENDING);

        // Slack is back. The reset connections may have carried the posts, so the outbox first
        // looks for them in the channels (they are not there) and then posts each once.
        slack.resetAll();
        slack.stubFor(post(POST).willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000100\"}")));
        slack.stubFor(post("/api/conversations.list").willReturn(okJson("""
                {"ok":true,"channels":[{"id":"C0ALERTS1","name":"alerts"},{"id":"C0DBALERT","name":"db-alerts"}]}""")));
        slack.stubFor(post("/api/conversations.history").willReturn(okJson("{\"ok\":true,\"messages\":[]}")));
        alerts.forEach(this::awaitSent);
        awaitSent(other);

        List<String> texts = posts().stream().filter(r -> "#alerts".equals(param(r, "channel")))
                .map(r -> param(r, "text")).toList();
        assertThat(texts).as("each once, in order").containsExactly("alert 1", "alert 2", "alert 3");
    }

    @Test
    void messagesLeftInTheOutboxByAStoppedBotAreSentAfterRestart() {
        OutboxStore store = new OutboxStore(db, clock);
        long first = store.enqueuePost("#alerts", null, MessagePayload.toJson(SlackMessage.text("queued before the crash")));
        long second = store.enqueuePost("#alerts", null, MessagePayload.toJson(SlackMessage.text("also queued")));
        db.close();
        db = Database.open(dbUrl);

        startOutbox(Duration.ofSeconds(5));

        awaitSent(first);
        awaitSent(second);
        assertThat(posts()).extracting(r -> param(r, "text")).containsExactly("queued before the crash", "also queued");
    }

    @Test
    void aPostThatTimedOutAfterSlackAcceptedItIsNotPostedTwice() {
        slack.stubFor(post(POST).willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000777\"}")
                .withFixedDelay(1_500)));
        String installation = new SettingStore(db).installationId();
        slack.stubFor(post("/api/conversations.list").willReturn(okJson("""
                {"ok":true,"channels":[{"id":"C0OTHER01","name":"random"},{"id":"C0ALERTS1","name":"alerts"}],
                 "response_metadata":{"next_cursor":""}}""")));
        Outbox outbox = startOutbox(Duration.ofMillis(500)).outbox();

        long id = outbox.post("#alerts", SlackMessage.text("the only copy"));
        slack.stubFor(post("/api/conversations.history").withRequestBody(containing("channel=C0ALERTS1"))
                .willReturn(okJson("""
                        {"ok":true,"messages":[
                          {"type":"message","ts":"1700000000.000555","text":"someone else"},
                          {"type":"message","ts":"1700000000.000777","text":"the only copy",
                           "metadata":{"event_type":"opsbot_outbox","event_payload":{"outbox_id":%d,"installation":"%s"}}}
                        ]}""".formatted(id, installation))));

        awaitSent(id);
        assertThat(posts()).hasSize(1);
        assertThat(entry(id).sentTs()).isEqualTo("1700000000.000777");
        assertThat(entry(id).sentChannel()).isEqualTo("C0ALERTS1");
        slack.verify(postRequestedFor(urlEqualTo("/api/conversations.history"))
                .withRequestBody(containing("include_all_metadata=1").or(containing("include_all_metadata=true"))));
    }

    @Test
    void aPostThatTimedOutBeforeSlackGotItIsPostedAgain() {
        slack.stubFor(post(POST).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("fine"));
        slack.stubFor(post(POST).inScenario("slow").whenScenarioStateIs("fine")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0ALERTS1\",\"ts\":\"1700000000.000888\"}")));
        slack.stubFor(post("/api/conversations.history").willReturn(okJson("{\"ok\":true,\"messages\":[]}")));
        Outbox outbox = startOutbox(Duration.ofSeconds(2)).outbox();

        long id = outbox.post("C0ALERTS1", SlackMessage.text("must arrive"));

        awaitSent(id);
        assertThat(posts()).hasSize(2);
        slack.verify(1, postRequestedFor(urlEqualTo("/api/conversations.history")).withRequestBody(containing("channel=C0ALERTS1")));
        assertThat(entry(id).sentTs()).isEqualTo("1700000000.000888");
    }

    @Test
    void aChannelListWithoutChannelsIsAClearLookupFailureNotACrash() {
        slack.stubFor(post(POST).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        slack.stubFor(post("/api/conversations.list").willReturn(okJson("{\"ok\":true}")));
        Outbox outbox = startOutbox(Duration.ofSeconds(2)).outbox();

        long id = outbox.post("#alerts", SlackMessage.text("may have arrived"));

        Eventually.await("Slack asked whether it arrived", WAIT, () -> !slack.findAll(
                postRequestedFor(urlEqualTo("/api/conversations.list"))).isEmpty());
        Eventually.await("the look-up's failure recorded", WAIT, () -> String.valueOf(entry(id).lastError())
                .contains("conversations.list"));
        assertThat(entry(id).lastError()).contains("could not ask Slack whether the message arrived", "no `channels`");
        assertThat(entry(id).status()).isEqualTo(OutboxEntry.Status.PENDING);
        assertThat(posts()).as("not posted again while Slack cannot say").hasSize(1);
    }

    @Test
    void repliesThreadUnderTheParentOnceItIsPosted() {
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();
        long parent = outbox.post("#alerts", SlackMessage.text("group opened"));
        long reply = outbox.reply(parent, SlackMessage.text("second alert fired"));

        awaitSent(reply);
        LoggedRequest replyRequest = posts().get(1);
        assertThat(param(replyRequest, "thread_ts")).isEqualTo("1700000000.000100");
        assertThat(param(replyRequest, "channel")).isEqualTo("C0ALERTS1");
    }

    @Test
    void pendingUpdatesOfOneMessageAreSentAsOneUpdateWithTheLatestState() {
        SlackOutbox first = startOutbox(Duration.ofSeconds(5));
        long parent = first.outbox().post("#alerts", SlackMessage.text("v1"));
        awaitSent(parent);
        first.close();
        running = null;

        OutboxStore store = new OutboxStore(db, clock);
        for (String state : List.of("v2", "v3", "v4")) {
            store.enqueueUpdate(parent, MessagePayload.toJson(SlackMessage.text(state)));
        }
        startOutbox(Duration.ofSeconds(5));

        Eventually.await("updates done", WAIT, () -> store.depth().pending() == 0);
        List<LoggedRequest> updates = slack.findAll(postRequestedFor(urlEqualTo("/api/chat.update")));
        assertThat(updates).hasSize(1);
        assertThat(param(updates.getFirst(), "text")).isEqualTo("v4");
        assertThat(param(updates.getFirst(), "ts")).isEqualTo("1700000000.000100");
        assertThat(param(updates.getFirst(), "channel")).isEqualTo("C0ALERTS1");
    }

    @Test
    void anEphemeralMessageThatCouldNotBeDeliveredInTimeExpires() {
        OutboxStore store = new OutboxStore(db, clock);
        long late = store.enqueueEphemeral("C0ALERTS1", "U0ALICE01", null,
                MessagePayload.toJson(SlackMessage.text("too late")), Instant.now().minusSeconds(1));
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();
        long onTime = outbox.ephemeral("C0ALERTS1", "U0ALICE01", SlackMessage.text("on time"));

        awaitSent(onTime);
        assertThat(entry(late).status()).isEqualTo(OutboxEntry.Status.EXPIRED);
        slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postEphemeral")));
        slack.verify(postRequestedFor(urlEqualTo("/api/chat.postEphemeral")).withRequestBody(containing("user=U0ALICE01")));
    }

    @Test
    void aMessageSlackCanNeverAcceptFailsWithoutBlockingItsChannel() {
        slack.stubFor(post(POST).withRequestBody(containing("text=broken")).atPriority(1)
                .willReturn(okJson("{\"ok\":false,\"error\":\"invalid_blocks\"}")));
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();
        long broken = outbox.post("#alerts", SlackMessage.text("broken"));
        long next = outbox.post("#alerts", SlackMessage.text("next"));

        awaitSent(next);
        assertThat(entry(broken).status()).isEqualTo(OutboxEntry.Status.FAILED);
        assertThat(entry(broken).lastError()).contains("invalid_blocks");
    }

    @Test
    void theBotTokenIsRefusedMessagesWaitInsteadOfBeingDropped() {
        slack.stubFor(post(POST).atPriority(1).willReturn(okJson("{\"ok\":false,\"error\":\"invalid_auth\"}")));
        Outbox outbox = startOutbox(Duration.ofSeconds(5)).outbox();
        long id = outbox.post("#alerts", SlackMessage.text("important"));

        Eventually.await("attempted", WAIT, () -> !posts().isEmpty());
        Eventually.await("recorded", WAIT, () -> entry(id).lastError() != null);
        assertThat(entry(id).status()).isEqualTo(OutboxEntry.Status.PENDING);
        assertThat(entry(id).lastError()).contains("invalid_auth", "SLACK_BOT_TOKEN");
    }

    @Test
    void inDryRunEveryMessageAppearsInTheLogAsAPersonWouldReadIt() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            running = SlackOutbox.start(db, Optional.empty(), "http://unused.invalid/api/", Duration.ofSeconds(1), clock);
            long id = running.outbox().post("#alerts", SlackMessage.of("Disk almost full", Blocks.asBlocks(
                    Blocks.header(h -> h.text(BlockCompositions.plainText("Disk almost full"))),
                    Blocks.section(s -> s.text(BlockCompositions.markdownText(
                            "*db-1* `/var` at 93% since <!date^1700000000^{time}|10:13 UTC>, ack <@U0ALICE01>"))),
                    Blocks.actions(a -> a.elements(List.of(
                            BlockElements.button(b -> b.actionId("ack").text(BlockCompositions.plainText("Acknowledge"))),
                            BlockElements.button(b -> b.actionId("resolve").text(BlockCompositions.plainText("Resolve")))))))));
            awaitSent(id);
            assertThat(running.reachability().status().state()).isEqualTo(SlackReachability.State.DRY_RUN);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("Would post to #alerts", "DISK ALMOST FULL", "*db-1* `/var` at 93% since 10:13 UTC, ack @U0ALICE01",
                "[ Acknowledge ] [ Resolve ]");
        assertThat(log).doesNotContain("\"type\":\"section\"");
        assertThat(slack.getAllServeEvents()).isEmpty();
    }
}
