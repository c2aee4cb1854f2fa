package org.opsbot.bot.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.PagerWebhookStore;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PagerWebhooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENV = Map.of("PAGER_TOKEN", "s3cret-token");

    private final WireMockServer pager = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final Set<String> inDnd = new HashSet<>();
    private final DoNotDisturb dnd = user -> inDnd.contains(user) ? Optional.of(Instant.parse("2026-01-13T18:00:00Z"))
            : Optional.empty();
    private Database db;
    private OpsbotConfig config;
    private PagerWebhookStore calls;
    private PagerWebhooks webhooks;
    private Escalations escalations;

    @BeforeEach
    void start() {
        pager.start();
        config = ConfigParser.parse("""
                roles: {responders: [U0ALICE001]}
                teams:
                  cdc:
                    channel: "#cdc"
                    escalation:
                      tiers:
                        - name: On-call
                          notify: [U0ALICE001]
                          webhook:
                            url: "http://localhost:%d/v2/enqueue"
                            headers: {Authorization: "Bearer ${PAGER_TOKEN}"}
                        - {name: Lead, after: 30m, notify: [U0LEAD0001]}
                routes: [{team: cdc}]
                """.formatted(pager.port()), "opsbot.yaml").require();
        db = Database.open(TestDatabases.sqliteUrl());
        calls = new PagerWebhookStore(db, clock);
        startBot();
    }

    /** What a (re)start builds: the webhooks and the engine over the same database. */
    private void startBot() {
        webhooks = PagerWebhooks.of(config, ENV, calls, PagerWebhooks.httpClient(), clock);
        java.util.concurrent.atomic.AtomicReference<Escalations> engine = new java.util.concurrent.atomic.AtomicReference<>();
        SlackPager slackPager = new SlackPager(outbox, Subjects.none(), dnd, Optional.of(webhooks), new LivingPages(
                new org.opsbot.commands.escalation.PageDms(db, clock), outbox, Subjects.none(), engine::get,
                new org.opsbot.bot.outbox.SentPosts(new org.opsbot.commands.store.OutboxStore(db, clock))));
        escalations = new Escalations(new EscalationStore(db, clock), config, GroupDirectory.none(),
                new OverrideStore(db, clock), new AuditLog(db, clock), slackPager, clock);
        engine.set(escalations);
    }

    @AfterEach
    void stop() {
        pager.stop();
        db.close();
    }

    private List<LoggedRequest> pages() {
        return pager.findAll(postRequestedFor(urlEqualTo("/v2/enqueue")));
    }

    private List<WalkEvent.Kind> kinds() {
        return escalations.history("alert-group:1").stream().map(WalkEvent::kind).toList();
    }

    @Test
    void theTiersWebhookIsCalledWithThePageAndItsDedupKey() throws Exception {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(pages()).as("queued by the step, sent by the worker").isEmpty();
        assertThat(webhooks.sendDue()).isEqualTo(1);

        assertThat(pages()).hasSize(1);
        LoggedRequest request = pages().getFirst();
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer s3cret-token");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.get("dedup_key").asText()).isEqualTo("opsbot:alert-group:1");
        assertThat(body.get("subject").asText()).isEqualTo("alert-group:1");
        assertThat(body.get("title").asText()).isEqualTo("alert-group:1");
        assertThat(body.get("severity").asText()).isEqualTo("P1");
        assertThat(body.get("team").asText()).isEqualTo("cdc");
        assertThat(body.get("tier").get("number").asInt()).isEqualTo(1);
        assertThat(body.get("tier").get("name").asText()).isEqualTo("On-call");
        assertThat(body.get("text").asText()).contains("Tier 1 (On-call)");
        assertThat(body.get("slack_users").get(0).asText()).isEqualTo("U0ALICE001");
        assertThat(calls.forSubject("alert-group:1")).singleElement()
                .extracting(PagerWebhookStore.Call::state).isEqualTo(PagerWebhookStore.State.DELIVERED);
    }

    @Test
    void aServerErrorIsRetriedByTheWorkerAndThePagerSeesOneDedupKey() throws Exception {
        pager.stubFor(post("/v2/enqueue").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        pager.stubFor(post("/v2/enqueue").inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(webhooks.sendDue()).isEqualTo(1);
        assertThat(pages()).hasSize(1);
        assertThat(webhooks.sendDue()).as("the backoff has not run out").isZero();

        clock.advance(Duration.ofSeconds(10));
        assertThat(webhooks.sendDue()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(webhooks.sendDue()).as("delivered: never sent again").isZero();

        assertThat(pages()).hasSize(2);
        assertThat(pages().stream().map(r -> r.getBodyAsString()).distinct()).as("the retry is the same call").hasSize(1);
        PagerWebhookStore.Call call = calls.forSubject("alert-group:1").getFirst();
        assertThat(call.state()).isEqualTo(PagerWebhookStore.State.DELIVERED);
        assertThat(call.attempts()).isEqualTo(2);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        pager.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")).willSetStateTo("free"));
        pager.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs("free")
                .willReturn(aResponse().withStatus(202)));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(webhooks.sendDue()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(119));
        assertThat(webhooks.sendDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(webhooks.sendDue()).isEqualTo(1);
        assertThat(calls.forSubject("alert-group:1").getFirst().state()).isEqualTo(PagerWebhookStore.State.DELIVERED);
    }

    @Test
    void aClientErrorIsGivenUpAndNotRetried() {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(400)));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(webhooks.sendDue()).isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        assertThat(webhooks.sendDue()).isZero();
        assertThat(pages()).hasSize(1);
        PagerWebhookStore.Call call = calls.forSubject("alert-group:1").getFirst();
        assertThat(call.state()).isEqualTo(PagerWebhookStore.State.FAILED);
        assertThat(call.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 400"));
        assertThat(outbox.calls()).as("Alice, outside DND, was still paged in Slack")
                .anyMatch(c -> c.method().equals("post") && c.target().equals("U0ALICE001"));
    }

    @Test
    void aTierWhoseOnlyPersonIsInDndIsReachedWhenItsPageIsQueuedToAPagerThatIsNotFailing() {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        inDnd.add("U0ALICE001");
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();

        assertThat(kinds()).containsExactly(WalkEvent.Kind.OPENED, WalkEvent.Kind.NOTIFIED);
        assertThat(escalations.history("alert-group:1").getLast().detail()).contains("pager webhook http://localhost:")
                .contains("not reached: <@U0ALICE001> is in Do Not Disturb");
        Walk walk = escalations.find("alert-group:1").orElseThrow();
        assertThat(walk.nextTier()).as("the lead waits for their 30 minutes").isEqualTo(1);
        assertThat(walk.dueAt()).contains(Instant.parse("2026-01-13T10:30:00Z"));
    }

    @Test
    void aTierWhoseOnlyPersonIsInDndAndWhosePagerIsFailingIsPassedAtOnce() {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(503)));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(webhooks.sendDue()).as("group 1's page meets the pager's 503").isEqualTo(1);

        inDnd.add("U0ALICE001");
        escalations.open("alert-group:2", "cdc", "P1");
        escalations.fireDue();

        assertThat(escalations.history("alert-group:2").stream().map(WalkEvent::kind).toList()).containsExactly(
                WalkEvent.Kind.OPENED, WalkEvent.Kind.UNREACHABLE, WalkEvent.Kind.NOTIFIED, WalkEvent.Kind.ENDED);
        assertThat(outbox.calls()).anyMatch(c -> c.target().equals("U0LEAD0001"));
        assertThat(escalations.history("alert-group:2").get(1).detail()).matches(".*pager webhook http://localhost:\\d+:"
                + " its last call failed, so it is not counted on; the page is queued and retried in the background.*");
        assertThat(calls.forSubject("alert-group:2").getFirst().state()).as("still sent when the pager is back")
                .isEqualTo(PagerWebhookStore.State.PENDING);
    }

    @Test
    void aCallPendingAtARestartIsSentAfterIt() {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        // Written, then the process died before (or while) sending it: nobody holds it once its claim ran out.
        calls.enqueue("opsbot/alert-group:9/round-0/tier-1", "alert-group:9", "cdc", 1, "{\"dedup_key\":\"k\"}",
                clock.instant().plusSeconds(30));
        startBot();
        assertThat(webhooks.sendDue()).as("its first sender's claim still holds").isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(webhooks.sendDue()).isEqualTo(1);
        assertThat(pages()).singleElement().satisfies(r -> assertThat(r.getBodyAsString()).isEqualTo("{\"dedup_key\":\"k\"}"));
        assertThat(calls.forSubject("alert-group:9").getFirst().state()).isEqualTo(PagerWebhookStore.State.DELIVERED);
    }

    @Test
    void aHeaderVariableThatIsNotSetStopsTheStart() {
        assertThatThrownBy(() -> PagerWebhooks.of(config, Map.of(), calls, PagerWebhooks.httpClient(), clock))
                .hasMessageContaining("opsbot.yaml:")
                .hasMessageContaining("teams.cdc.escalation.tiers[0].webhook names environment variable(s) PAGER_TOKEN")
                .hasMessageContaining("PAGER_TOKEN");
    }

    @Test
    void redirectsAreNotFollowed() {
        pager.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(307).withHeader("Location", "http://example.com/")));
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        webhooks.sendDue();
        assertThat(calls.forSubject("alert-group:1").getFirst().state()).isEqualTo(PagerWebhookStore.State.FAILED);
        assertThat(calls.forSubject("alert-group:1").getFirst().lastError()).hasValueSatisfying(e -> assertThat(e).contains("redirects are not followed"));
    }
}
