package org.opsbot.bot.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.PagerWebhookStore;
import org.opsbot.commands.store.TestDatabases;
import org.opsbot.commands.model.Subject;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PagerDuty (Events API v2) and Opsgenie (Alert API v2), each played by WireMock, paged by an
 * escalation walking to their tiers, then told of the ack and the resolve made in opsbot. The
 * escalation loop and the webhook worker are the real ones, on their own threads.
 */
class PagerFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTING_KEY = "R0UT1NGKEY00000000000000000000a1";
    private static final String GENIE_KEY = "6e6e1e00-aaaa-bbbb-cccc-0123456789ab";
    private static final Map<String, String> ENV = Map.of("PD_ROUTING_KEY", ROUTING_KEY, "OPSGENIE_API_KEY", GENIE_KEY);
    private static final String LINK = "https://example.slack.com/archives/C0123/p1700000000000100";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long THREAD = 7L;

    private final WireMockServer pagerDuty = new WireMockServer(options().dynamicPort());
    private final WireMockServer opsgenie = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final RecordingOutbox outbox = new RecordingOutbox();
    private Database db;
    private OpsbotConfig config;
    private PagerWebhookStore calls;
    private EscalationFeature feature;
    private Escalations escalations;

    @BeforeEach
    void start() {
        pagerDuty.start();
        opsgenie.start();
        config = ConfigParser.parse("""
                roles: {responders: [U0ALICE001]}
                teams:
                  cdc:
                    channel: "#cdc"
                    escalation:
                      tiers:
                        - name: PagerDuty
                          webhook:
                            format: pagerduty
                            url: "http://localhost:%d/v2/enqueue"
                            routing-key: "${PD_ROUTING_KEY}"
                        - name: Opsgenie
                          after: 0m
                          webhook:
                            format: opsgenie
                            url: "http://localhost:%d"
                            api-key: "${OPSGENIE_API_KEY}"
                            responders: ["team:cdc-ops", "user:alice@example.com"]
                        - {name: Lead, after: 30m, notify: [U0LEAD0001]}
                routes: [{team: cdc}]
                """.formatted(pagerDuty.port(), opsgenie.port()), "opsbot.yaml").require();
        db = Database.open(TestDatabases.sqliteUrl());
        calls = new PagerWebhookStore(db, clock);
    }

    /** The bot's escalation as Bot.start builds it: engine, loop, webhooks and their worker. */
    private void startEscalation(boolean dryRun) {
        PagerWebhooks webhooks = PagerWebhooks.of(config, ENV, calls, PagerWebhooks.httpClient(), clock, dryRun);
        feature = EscalationFeature.start(pager -> new Escalations(new EscalationStore(db, clock), config,
                        GroupDirectory.none(), new OverrideStore(db, clock), new AuditLog(db, clock), pager, clock),
                outbox, user -> Optional.empty(), Optional.of(webhooks), new LeaseStore(db, clock), "replica-a",
                Executors.newVirtualThreadPerTaskExecutor(), null, db, clock);
        feature.subjects(new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return Optional.of(new Description("KafkaConnectTaskFailed (cdc)", "cdc", "P2", "#cdc",
                        Optional.of(THREAD), Optional.of(LINK)));
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                return "ok";
            }
        });
        escalations = feature.escalations();
    }

    @AfterEach
    void stop() {
        if (feature != null) {
            feature.close();
        }
        pagerDuty.stop();
        opsgenie.stop();
        db.close();
    }

    private List<LoggedRequest> pagerDutyEvents() {
        return pagerDuty.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue")));
    }

    private List<LoggedRequest> opsgenieCalls() {
        return opsgenie.findAll(postRequestedFor(anyUrl()));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void pagerDutyAndOpsgenieGetThePageTheAckAndTheResolveInTheirOwnFormatsOnce() throws Exception {
        pagerDuty.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"opsbot:alert-group:1\"}")));
        opsgenie.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(202)
                .withBody("{\"result\":\"Request will be processed\",\"took\":0.1,\"requestId\":\"43a2\"}")));
        startEscalation(false);

        escalations.open("alert-group:1", "cdc", "P2");
        Eventually.await("both pagers paged", WAIT, () -> pagerDutyEvents().size() == 1 && opsgenieCalls().size() == 1);

        LoggedRequest trigger = pagerDutyEvents().getFirst();
        assertThat(trigger.getHeader("Content-Type")).startsWith("application/json");
        assertThat(json(trigger.getBodyAsString())).isEqualTo(json("""
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "opsbot:alert-group:1",
                 "payload": {"summary": "KafkaConnectTaskFailed (cdc) (P2, team cdc) — not acknowledged",
                             "source": "opsbot/cdc", "severity": "error", "timestamp": "2026-01-13T10:00:00Z",
                             "group": "cdc", "class": "alert-group",
                             "custom_details": {"subject": "alert-group:1", "severity": "P2", "team": "cdc", "tier": 1,
                                                "tier_name": "PagerDuty", "round": 0, "reason": "not acknowledged",
                                                "slack": "%s", "slack_users": []}},
                 "client": "opsbot", "client_url": "%s", "links": [{"href": "%s", "text": "Slack thread"}]}
                """.formatted(ROUTING_KEY, LINK, LINK, LINK)));

        LoggedRequest create = opsgenieCalls().getFirst();
        assertThat(create.getUrl()).isEqualTo("/v2/alerts");
        assertThat(create.getHeader("Authorization")).isEqualTo("GenieKey " + GENIE_KEY);
        assertThat(create.getHeader("Content-Type")).startsWith("application/json");
        assertThat(json(create.getBodyAsString())).isEqualTo(json("""
                {"message": "KafkaConnectTaskFailed (cdc)", "alias": "opsbot:alert-group:1",
                 "description": "Tier 2 (Opsgenie) paged: KafkaConnectTaskFailed (cdc) (P2, team cdc) — not acknowledged\\nSlack: %s",
                 "responders": [{"type": "team", "name": "cdc-ops"}, {"type": "user", "username": "alice@example.com"}],
                 "tags": ["opsbot", "cdc", "P2"],
                 "details": {"subject": "alert-group:1", "severity": "P2", "team": "cdc", "tier": "2",
                             "tier_name": "Opsgenie", "round": "0", "reason": "not acknowledged", "slack": "%s",
                             "slack_users": ""},
                 "entity": "alert-group:1", "source": "opsbot", "priority": "P2"}
                """.formatted(LINK, LINK)));
        assertThat(escalations.history("alert-group:1")).filteredOn(e -> e.kind() == WalkEvent.Kind.NOTIFIED)
                .extracting(WalkEvent::detail).allSatisfy(d -> assertThat(d).contains("pager webhook http://localhost:"));

        Thread.sleep(1_500); // the pagers took their pages: nothing moves the walk on
        assertThat(leadPaged()).as("the pagers reached their tiers; the lead's 30 minutes have not passed").isFalse();

        escalations.acknowledged("alert-group:1", "U0ALICE001");
        Eventually.await("both told of the ack", WAIT, () -> pagerDutyEvents().size() == 2 && opsgenieCalls().size() == 2);
        assertThat(json(pagerDutyEvents().get(1).getBodyAsString())).isEqualTo(json("""
                {"routing_key": "%s", "event_action": "acknowledge", "dedup_key": "opsbot:alert-group:1"}
                """.formatted(ROUTING_KEY)));
        LoggedRequest ack = opsgenieCalls().get(1);
        assertThat(ack.getUrl()).isEqualTo("/v2/alerts/opsbot:alert-group:1/acknowledge?identifierType=alias");
        assertThat(ack.getHeader("Authorization")).isEqualTo("GenieKey " + GENIE_KEY);
        assertThat(json(ack.getBodyAsString())).isEqualTo(json("""
                {"source": "opsbot", "note": "The alert was acknowledged in opsbot (alert-group:1)."}"""));

        escalations.acknowledged("alert-group:1", "U0ALICE001");
        escalations.resolved("alert-group:1", "opsbot");
        escalations.resolved("alert-group:1", "U0ALICE001");
        Eventually.await("both told of the resolve", WAIT, () -> pagerDutyEvents().size() == 3 && opsgenieCalls().size() == 3);
        assertThat(json(pagerDutyEvents().get(2).getBodyAsString())).isEqualTo(json("""
                {"routing_key": "%s", "event_action": "resolve", "dedup_key": "opsbot:alert-group:1"}
                """.formatted(ROUTING_KEY)));
        LoggedRequest close = opsgenieCalls().get(2);
        assertThat(close.getUrl()).isEqualTo("/v2/alerts/opsbot:alert-group:1/close?identifierType=alias");
        assertThat(json(close.getBodyAsString())).isEqualTo(json("""
                {"source": "opsbot", "note": "The alert was resolved in opsbot (alert-group:1)."}"""));

        // A second ack and a second resolve changed nothing, so nothing more is sent.
        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(1_500); // two worker ticks
        assertThat(pagerDutyEvents()).hasSize(3);
        assertThat(opsgenieCalls()).hasSize(3);
        assertThat(calls.forSubject("alert-group:1")).extracting(PagerWebhookStore.Call::event).containsExactly(
                PagerWebhookStore.Event.TRIGGER, PagerWebhookStore.Event.TRIGGER,
                PagerWebhookStore.Event.ACKNOWLEDGE, PagerWebhookStore.Event.ACKNOWLEDGE,
                PagerWebhookStore.Event.RESOLVE, PagerWebhookStore.Event.RESOLVE);
        assertThat(calls.forSubject("alert-group:1")).allMatch(c -> c.state() == PagerWebhookStore.State.DELIVERED);
    }

    @Test
    void aRateLimitAndAServerErrorAreRetriedAndABadRequestIsGivenUpAndSaidInTheThread() throws Exception {
        pagerDuty.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")).willSetStateTo("failing"));
        pagerDuty.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs("failing")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        pagerDuty.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202)));
        opsgenie.stubFor(post("/v2/alerts").willReturn(aResponse().withStatus(400)
                .withBody("{\"message\":\"Request body is not processable\",\"took\":0.0,\"requestId\":\"1\"}")));
        startEscalation(false);

        escalations.open("alert-group:1", "cdc", "P1");
        Eventually.await("both pagers tried", WAIT, () -> pagerDutyEvents().size() == 1 && opsgenieCalls().size() == 1);
        Eventually.await("the refusal is said in the thread", WAIT, () -> outbox.calls().stream().anyMatch(c ->
                c.method().equals("reply") && c.target().equals(Long.toString(THREAD))
                        && c.message().text().contains("Pager webhook http://localhost:" + opsgenie.port()
                        + " refused the page (HTTP 400); not retried")));
        Eventually.await("the 429 recorded", WAIT, () -> calls.forSubject("alert-group:1").stream()
                .anyMatch(c -> c.tier() == 1 && c.attempts() == 1));

        clock.advance(Duration.ofSeconds(29));
        Thread.sleep(1_500);
        assertThat(pagerDutyEvents()).as("Retry-After: 30 s").hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        Eventually.await("retried after Retry-After", WAIT, () -> pagerDutyEvents().size() == 2);
        // The worker schedules the next try from the clock when the 502 comes back: wait for that
        // before moving the clock, or the backoff counts from the moved clock.
        Eventually.await("the 502 recorded", WAIT, () -> calls.forSubject("alert-group:1").stream()
                .anyMatch(c -> c.tier() == 1 && c.attempts() == 2));
        clock.advance(Duration.ofSeconds(13)); // the backoff after a second failed attempt: 10 s + up to 20 %
        Eventually.await("retried after the 502", WAIT, () -> pagerDutyEvents().size() == 3);
        Eventually.await("delivered", WAIT, () -> calls.forSubject("alert-group:1").stream()
                .anyMatch(c -> c.tier() == 1 && c.state() == PagerWebhookStore.State.DELIVERED));
        assertThat(pagerDutyEvents().stream().map(LoggedRequest::getBodyAsString).distinct())
                .as("every retry is the same event").hasSize(1);

        clock.advance(Duration.ofHours(1));
        Thread.sleep(1_500);
        assertThat(opsgenieCalls()).as("a 400 is never retried").hasSize(1);
        PagerWebhookStore.Call refused = calls.forSubject("alert-group:1").stream().filter(c -> c.tier() == 2)
                .findFirst().orElseThrow();
        assertThat(refused.state()).isEqualTo(PagerWebhookStore.State.FAILED);
        assertThat(refused.lastError()).contains("HTTP 400");

        // Resolving tells PagerDuty, which has the alert, and not Opsgenie, which refused it.
        escalations.resolved("alert-group:1", "opsbot");
        Eventually.await("PagerDuty told of the resolve", WAIT, () -> pagerDutyEvents().size() == 4);
        Thread.sleep(1_500);
        assertThat(opsgenieCalls()).hasSize(1);
    }

    private boolean leadPaged() {
        return outbox.calls().stream().anyMatch(c -> c.method().equals("post") && c.target().equals("U0LEAD0001"));
    }

    @Test
    void aTierReachedOnlyByItsPagerIsNotReachedWhenThePagerDoesNotTakeThePageAndTheWalkMovesOnAtOnce() throws Exception {
        pagerDuty.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(503)));
        opsgenie.stubFor(post("/v2/alerts").willReturn(aResponse().withStatus(400)));
        startEscalation(false);

        escalations.open("alert-group:1", "cdc", "P1");
        // Neither pager took its page, so neither tier was reached: the lead is paged now, not in 30 minutes.
        Eventually.await("the lead paged at once", WAIT, this::leadPaged);
        assertThat(escalations.history("alert-group:1")).filteredOn(e -> e.kind() == WalkEvent.Kind.UNREACHABLE)
                .extracting(WalkEvent::detail)
                .anySatisfy(d -> assertThat(d).startsWith("Opsgenie could not be reached (its pager did not take the page:")
                        .contains("refused it with HTTP 400").endsWith("moving on at once"));
        Eventually.await("the thread is told why", WAIT, () -> outbox.calls().stream().anyMatch(c ->
                c.method().equals("reply") && c.message().text().contains("Escalation: opsgenie could not be reached")));
        // The thread is told while the step is taken, before the walk is stored.
        Eventually.await("the walk stored at the lead's tier", WAIT,
                () -> escalations.find("alert-group:1").orElseThrow().lastTier() == 2);

        // PagerDuty's page is still retried in the background and lands once it is back.
        pagerDuty.resetAll();
        pagerDuty.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        clock.advance(Duration.ofSeconds(7));
        Eventually.await("PagerDuty's page delivered on retry", WAIT, () -> calls.forSubject("alert-group:1").stream()
                .anyMatch(c -> c.tier() == 1 && c.state() == PagerWebhookStore.State.DELIVERED));
        assertThat(outbox.calls().stream().filter(c -> c.method().equals("post") && c.target().equals("U0LEAD0001")))
                .as("paged once").hasSize(1);
    }

    @Test
    void aHangingPagerHoldsUpNeitherTheStepNorOtherWalks() throws Exception {
        // PagerDuty answers each page after 3 s, one page after the other: both walks must have
        // notified their tiers before it answers the first.
        pagerDuty.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202).withFixedDelay(3_000)));
        opsgenie.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(202)));
        startEscalation(false);

        long started = System.nanoTime();
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.open("alert-group:2", "cdc", "P1");
        Eventually.await("both walks notified their tiers", Duration.ofMillis(2_900), () ->
                escalations.history("alert-group:1").stream().anyMatch(e -> e.kind() == WalkEvent.Kind.NOTIFIED)
                        && escalations.history("alert-group:2").stream().anyMatch(e -> e.kind() == WalkEvent.Kind.NOTIFIED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("PagerDuty has not answered the first page yet")
                .isLessThan(Duration.ofSeconds(3));
        Eventually.await("PagerDuty got both pages", Duration.ofSeconds(15), () -> calls.forSubject("alert-group:2")
                .stream().allMatch(c -> c.state() == PagerWebhookStore.State.DELIVERED));
    }

    @Test
    void inDryRunTheCallsAreWrittenToTheLogWithTheirSecretsMaskedAndNotSent() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            startEscalation(true);
            escalations.open("alert-group:1", "cdc", "P1");
            Eventually.await("both pages written to the log", WAIT, () -> calls.forSubject("alert-group:1").size() == 2
                    && calls.forSubject("alert-group:1").stream().allMatch(c -> c.state() == PagerWebhookStore.State.DELIVERED));
            escalations.resolved("alert-group:1", "opsbot");
            Eventually.await("the resolves too", WAIT, () -> calls.forSubject("alert-group:1").size() == 4
                    && calls.forSubject("alert-group:1").stream().allMatch(c -> c.state() == PagerWebhookStore.State.DELIVERED));
        } finally {
            System.setErr(original);
        }
        String written = log.toString(StandardCharsets.UTF_8);
        assertThat(written).contains("DRY-RUN: pager webhook (pagerduty) not sent, as there is no Slack token: the page of"
                        + " alert-group:1 (team cdc tier 1, dedup key opsbot:alert-group:1) would POST http://localhost:"
                        + pagerDuty.port() + "/v2/enqueue")
                .contains("\"routing_key\":\"****\"", "\"event_action\":\"trigger\"", "\"event_action\":\"resolve\"")
                .contains("DRY-RUN: pager webhook (opsgenie)", "{Authorization=GenieKey ****}",
                        "/v2/alerts/opsbot:alert-group:1/close?identifierType=alias")
                .doesNotContain(ROUTING_KEY).doesNotContain(GENIE_KEY);
        assertThat(pagerDutyEvents()).isEmpty();
        assertThat(opsgenieCalls()).isEmpty();
        assertThat(escalations.history("alert-group:1")).as("a dry-run pager counts as reached, as a dry-run DM does")
                .anyMatch(e -> e.kind() == WalkEvent.Kind.NOTIFIED);
    }
}
