package org.opsbot.commands.approval;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApprovalsTest {
    private static final String REQUESTER = "U0ALICE001";
    private static final String LEAD1 = "U0LEAD0001";
    private static final String LEAD2 = "U0LEAD0002";
    private static final String OUTSIDER = "U0BOB00001";
    private static final String FIREFIGHTER = "U0FIRE0001";
    private static final Map<String, List<String>> ROLES = Map.of(
            "approvers", List.of(LEAD1, LEAD2, "@leads"),
            "emergency", List.of(FIREFIGHTER, "@everyone"));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final WireMockServer target = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @TempDir
    Path runbooks;
    private Database db;
    private Approvals approvals;
    private AuditLog audit;

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @BeforeEach
    void startTarget() {
        target.start();
        target.stubFor(post(urlPathEqualTo("/connectors/sink/restart")).willReturn(aResponse().withStatus(204)));
        target.stubFor(post(urlPathEqualTo("/sync")).willReturn(aResponse().withStatus(500).withBody("table locked")));
        target.stubFor(post(urlPathEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "https://login.example.com/")));
    }

    @AfterEach
    void stop() {
        target.stop();
        if (db != null) {
            db.close();
        }
    }

    private void open(Dialect dialect) throws Exception {
        Files.writeString(runbooks.resolve("cdc.yaml"), """
                name: cdc
                team: cdc
                actions:
                  restart:
                    title: Restart the sink connector
                    params:
                      connector: {enum: [sink, source]}
                    http: {url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                  full-sync:
                    title: Full sync
                    http: {url: "%1$s/sync"}
                    approval: {role: approvers, count: 2, within: 30m}
                  show-env:
                    title: Show the environment
                    exec: {command: env}
                  print-token:
                    title: A program that prints a secret
                    exec: {command: echo, args: ["token is ${CONNECT_TOKEN}"]}
                  follow:
                    title: An endpoint that redirects
                    http: {url: "%1$s/moved"}
                """.formatted(target.baseUrl()));
        Map<String, String> env = Map.of("CONNECT_TOKEN", "s3cr3t-connect-token");
        RunbookCatalog catalog = RunbookCatalog.load(runbooks, env, ExecAllowList.of("env", "echo"));
        assertThat(catalog.problems()).isEmpty();
        db = TestDatabases.open(dialect);
        audit = new AuditLog(db, clock);
        approvals = new Approvals(catalog, ROLES, new ActionStore(db),
                new ActionRunner(CheckRunner.defaultHttpClient(), ExecAllowList.of("env", "echo"),
                        SecretMasker.fromEnvironment(env), Duration.ofSeconds(10)),
                audit, SecretMasker.fromEnvironment(env), clock);
    }

    private ActionRequest ask(String action, Map<String, String> values) throws Exception {
        return approvals.request(approvals.find(action), values, REQUESTER, "sink is stuck", "#cdc");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anApproverRunsTheRequestOnceAndEveryStepIsAudited(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));

        Approvals.Approval a = approvals.approve(r.id(), r.planHash(), LEAD1);

        assertThat(a).isInstanceOf(Approvals.Approval.Approved.class);
        Approvals.RanRequest ran = approvals.run(a.request(), LEAD1);
        assertThat(ran.request().state()).isEqualTo(ActionRequest.State.SUCCEEDED);
        assertThat(ran.result().summary()).startsWith("HTTP 204");
        target.verify(1, postRequestedFor(urlEqualTo("/connectors/sink/restart")));
        assertThat(approvals.approve(r.id(), r.planHash(), LEAD2))
                .isInstanceOfSatisfying(Approvals.Approval.Refused.class, x -> assertThat(x.why()).isEqualTo("this action already ran"));
        assertThat(audit.latest(10)).extracting(e -> e.action())
                .containsExactly("action.result", "action.run", "action.approve", "action.request");
        assertThat(audit.verify().intact()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theRequesterAndPeopleOutsideTheRoleCannotApprove(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));

        assertThat(approvals.approve(r.id(), r.planHash(), REQUESTER)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).isEqualTo("you asked for this action, so someone else must approve it"));
        assertThat(approvals.approve(r.id(), r.planHash(), OUTSIDER)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).isEqualTo("only named members of the `approvers` role may approve this"
                        + " (members of a user group listed there do not count)"));
        assertThat(approvals.find(r.id()).orElseThrow().state()).isEqualTo(ActionRequest.State.PENDING);
        target.verify(0, postRequestedFor(urlEqualTo("/connectors/sink/restart")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aQuorumNeedsDistinctApproversAndASecondClickOfTheSameOneDoesNotCount(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("full-sync", Map.of());

        assertThat(approvals.approve(r.id(), r.planHash(), LEAD1)).isInstanceOfSatisfying(Approvals.Approval.Counted.class,
                x -> assertThat(x.have()).isEqualTo(1));
        assertThat(approvals.approve(r.id(), r.planHash(), LEAD1)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).startsWith("you already approved this; 1 more"));
        Approvals.Approval second = approvals.approve(r.id(), r.planHash(), LEAD2);

        assertThat(second).isInstanceOf(Approvals.Approval.Approved.class);
        Approvals.RanRequest ran = approvals.run(second.request(), LEAD2);
        assertThat(ran.request().state()).isEqualTo(ActionRequest.State.FAILED);
        assertThat(ran.result().summary()).startsWith("HTTP 500");
        assertThat(ran.result().output()).isEqualTo("table locked");
        assertThat(ran.request().approvers()).containsExactly(LEAD1, LEAD2);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void whatWaitsForSomeoneIsWhatTheyMayStillApproveAndTheirOwnPendingRequests(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("full-sync", Map.of());

        assertThat(approvals.waitingFor(LEAD1)).extracting(ActionRequest::id).containsExactly(r.id());
        assertThat(approvals.waitingFor(REQUESTER)).as("never the requester").isEmpty();
        assertThat(approvals.waitingFor(OUTSIDER)).as("outside the role").isEmpty();
        assertThat(approvals.pendingOf(REQUESTER)).extracting(ActionRequest::id).containsExactly(r.id());
        assertThat(approvals.pendingOf(LEAD1)).isEmpty();

        approvals.approve(r.id(), r.planHash(), LEAD1);
        assertThat(approvals.waitingFor(LEAD1)).as("approved already").isEmpty();
        assertThat(approvals.waitingFor(LEAD2)).extracting(ActionRequest::id).containsExactly(r.id());

        approvals.reject(r.id(), LEAD2, "not during the batch window");
        assertThat(approvals.waitingFor(LEAD2)).as("decided").isEmpty();
        assertThat(approvals.pendingOf(REQUESTER)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anExpiredRequestCannotBeApprovedAndSaysSo(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));
        clock.advance(Duration.ofMinutes(31));

        assertThat(approvals.approve(r.id(), r.planHash(), LEAD1)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).isEqualTo("this request expired; ask for it again with /ops run"));
        assertThat(approvals.find(r.id()).orElseThrow().state()).isEqualTo(ActionRequest.State.EXPIRED);
        assertThat(approvals.expireDue()).as("expired once").isEmpty();
        assertThat(audit.latest(1).get(0).action()).isEqualTo("action.expire");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRejectionNeedsAReasonAndClosesTheRequest(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));

        assertThat(approvals.reject(r.id(), OUTSIDER, "no")).isInstanceOf(Approvals.Approval.Refused.class);
        assertThat(approvals.reject(r.id(), LEAD1, " ")).isInstanceOf(Approvals.Approval.Refused.class);
        Approvals.Approval rejected = approvals.reject(r.id(), LEAD1, "wait for the nightly load to finish");

        assertThat(rejected).isInstanceOf(Approvals.Approval.Rejected.class);
        assertThat(rejected.request().state()).isEqualTo(ActionRequest.State.REJECTED);
        assertThat(rejected.request().decisionNote()).contains("wait for the nightly load to finish");
        assertThat(approvals.approve(r.id(), r.planHash(), LEAD2)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).isEqualTo("this request was rejected by <@" + LEAD1 + ">"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void twoApproversClickingAtOnceRunTheActionExactlyOnce(Dialect dialect) throws Exception {
        open(dialect);
        for (int round = 0; round < 5; round++) {
            ActionRequest r = ask("restart", Map.of("connector", "sink"));
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Approvals.Approval>> clicks = new ArrayList<>();
            for (String approver : List.of(LEAD1, LEAD2)) {
                Callable<Approvals.Approval> click = () -> {
                    start.await();
                    Approvals.Approval a = approvals.approve(r.id(), r.planHash(), approver);
                    if (a instanceof Approvals.Approval.Approved ok) {
                        approvals.run(ok.request(), approver);
                    }
                    return a;
                };
                clicks.add(pool.submit(click));
            }
            start.countDown();
            long winners = 0;
            for (Future<Approvals.Approval> f : clicks) {
                if (f.get() instanceof Approvals.Approval.Approved) {
                    winners++;
                }
            }
            pool.shutdown();
            assertThat(winners).isEqualTo(1);
        }
        target.verify(5, postRequestedFor(urlEqualTo("/connectors/sink/restart")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void breakGlassIsOnlyForNamedEmergencyMembersWithAReason(Dialect dialect) throws Exception {
        open(dialect);
        Approvals.Target restart = approvals.find("cdc/restart");

        assertThatThrownBy(() -> approvals.breakGlass(restart, Map.of("connector", "sink"), OUTSIDER, "urgent", "#cdc"))
                .isInstanceOf(NotAllowed.class).hasMessageContaining("named members of the `emergency` role");
        assertThatThrownBy(() -> approvals.breakGlass(restart, Map.of("connector", "sink"), FIREFIGHTER, "  ", "#cdc"))
                .isInstanceOf(NotAllowed.class).hasMessageContaining("needs a reason");
        ActionRequest r = approvals.breakGlass(restart, Map.of("connector", "sink"), FIREFIGHTER, "prod is down", "#cdc");
        Approvals.RanRequest ran = approvals.run(approvals.claim(r).orElseThrow(), FIREFIGHTER);

        assertThat(ran.request().state()).isEqualTo(ActionRequest.State.SUCCEEDED);
        assertThat(ran.request().breakGlass()).isTrue();
        assertThat(audit.latest(3)).extracting(e -> e.action()).containsExactly("action.result", "action.run", "action.break-glass");
        assertThat(audit.latest(3).get(2).details()).containsEntry("reason", "prod is down");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anActionRunningWhenTheBotDiedIsMarkedInterruptedAndNeverRunAgain(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));
        Approvals.Approval a = approvals.approve(r.id(), r.planHash(), LEAD1);
        assertThat(a.request().state()).isEqualTo(ActionRequest.State.RUNNING);
        // The process dies here, before the run; a new one starts. Until the run's lease runs
        // out it may be a live process's (another on the same SQLite file): left alone.
        assertThat(approvals.interruptAbandoned()).isEmpty();
        clock.advance(Approvals.RUN_LEASE);

        List<ActionRequest> stopped = approvals.interruptAbandoned();

        assertThat(stopped).extracting(ActionRequest::id).containsExactly(r.id());
        assertThat(approvals.find(r.id()).orElseThrow().state()).isEqualTo(ActionRequest.State.INTERRUPTED);
        assertThat(approvals.claim(approvals.find(r.id()).orElseThrow())).isEmpty();
        assertThat(approvals.approve(r.id(), r.planHash(), LEAD2)).isInstanceOf(Approvals.Approval.Refused.class);
        target.verify(0, postRequestedFor(urlEqualTo("/connectors/sink/restart")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRunKeptAliveByItsProcessIsLeftAloneAndOneWhoseProcessDiedIsInterruptedAfterTheRunLease(Dialect dialect)
            throws Exception {
        open(dialect);
        target.stubFor(post(urlPathEqualTo("/connectors/sink/restart")).willReturn(aResponse().withStatus(204).withFixedDelay(1_500)));
        ActionRequest sink = ask("restart", Map.of("connector", "sink"));
        ActionRequest running = ((Approvals.Approval.Approved) approvals.approve(sink.id(), sink.planHash(), LEAD1)).request();
        ActionRequest source = ask("restart", Map.of("connector", "source"));
        // Claimed by a process that died before it ran it.
        ActionRequest orphan = ((Approvals.Approval.Approved) approvals.approve(source.id(), source.planHash(), LEAD1)).request();

        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<Approvals.RanRequest> run = pool.submit(() -> approvals.run(running, LEAD1));
            Thread.sleep(300); // the request to the target is under way
            clock.advance(Approvals.RUN_LEASE.plusSeconds(5));
            approvals.keepRunsAlive();

            // What any replica's sweep does: only the run nobody keeps alive is interrupted.
            assertThat(approvals.interruptAbandoned()).extracting(ActionRequest::id).containsExactly(orphan.id());
            assertThat(run.get().request().state()).isEqualTo(ActionRequest.State.SUCCEEDED);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anApprovalCountsOnlyForThePlanItWasShown(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("restart", Map.of("connector", "sink"));
        String other = approvals.plan(approvals.find("restart"), Map.of("connector", "source")).hash();

        assertThat(approvals.approve(r.id(), other, LEAD1)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                x -> assertThat(x.why()).contains("different version"));
        assertThat(approvals.find(r.id()).orElseThrow().approvers()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anExecChildSeesNoBotSecretOnlyPathAndLang(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("show-env", Map.of());

        Approvals.RanRequest ran = approvals.run(approvals.claim(r).orElseThrow(), REQUESTER);

        assertThat(ran.request().state()).isEqualTo(ActionRequest.State.SUCCEEDED);
        assertThat(ran.result().output().lines().map(l -> l.substring(0, l.indexOf('='))).toList())
                .containsExactlyInAnyOrder("PATH", "LANG");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void secretsInWhatRunsAndInItsOutputAreMasked(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("print-token", Map.of());

        Approvals.RanRequest ran = approvals.run(approvals.claim(r).orElseThrow(), REQUESTER);

        assertThat(r.plan()).isEqualTo("echo 'token is ***'");
        assertThat(ran.result().output()).isEqualTo("token is ***");
        assertThat(audit.latest(5)).allSatisfy(e -> assertThat(e.details().toString()).doesNotContain("s3cr3t"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRedirectIsNotFollowedAndFailsTheRun(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("follow", Map.of());

        Approvals.RanRequest ran = approvals.run(approvals.claim(r).orElseThrow(), REQUESTER);

        assertThat(ran.request().state()).isEqualTo(ActionRequest.State.FAILED);
        assertThat(ran.result().summary()).isEqualTo("HTTP 302: a redirect to https://login.example.com/, not followed");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void breakingTheGlassOnAWaitingRequestRunsItOnceAndRecordsWhoAndWhy(Dialect dialect) throws Exception {
        open(dialect);
        ActionRequest r = ask("full-sync", Map.of());

        assertThatThrownBy(() -> approvals.breakGlass(r.id(), LEAD1, "urgent")).isInstanceOf(NotAllowed.class);
        ActionRequest running = approvals.breakGlass(r.id(), FIREFIGHTER, "the nightly load is lost").orElseThrow();
        assertThatThrownBy(() -> approvals.breakGlass(r.id(), FIREFIGHTER, "again"))
                .isInstanceOf(NotAllowed.class).hasMessage("this action is already running");
        approvals.run(running, FIREFIGHTER);

        assertThat(running.breakGlass()).isTrue();
        assertThat(running.decidedBy()).contains(FIREFIGHTER);
        assertThat(running.requester()).isEqualTo(REQUESTER);
        target.verify(1, postRequestedFor(urlEqualTo("/sync")));
        assertThat(audit.latest(3).get(2).details()).containsEntry("break_glass_reason", "the nightly load is lost");
    }
}
