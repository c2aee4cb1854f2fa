package org.opsbot.commands.procedure;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.approval.ActionRunner;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.audit.AuditEntry;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.ProcedureRun;
import org.opsbot.commands.model.ProcedureStep;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecks;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.ProcedureStore;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProceduresTest {
    private static final String ALICE = "U0ALICE001";
    private static final String LEAD = "U0LEAD0001";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final WireMockServer target = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final List<Procedures.View> shown = new ArrayList<>();
    private final List<ActionRequest> withdrawn = new ArrayList<>();

    @TempDir
    Path runbooks;
    private Database db;
    private AuditLog audit;
    private Approvals approvals;
    private RunbookCatalog catalog;
    private RunbookChecks checks;

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @BeforeEach
    void startTarget() {
        target.start();
        target.stubFor(get(urlPathEqualTo("/status")).willReturn(aResponse().withStatus(200).withBody("{\"state\":\"RUNNING\"}")));
        target.stubFor(post(urlPathEqualTo("/connectors/sink/restart")).willReturn(aResponse().withStatus(204)));
        target.stubFor(post(urlPathEqualTo("/connectors/source/restart")).willReturn(aResponse().withStatus(204)));
        target.stubFor(post(urlPathEqualTo("/pause")).willReturn(aResponse().withStatus(204)));
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
                checks:
                  - name: Connector running
                    http: {url: "%1$s/status", json: /state, equals: RUNNING}
                  - name: Nothing listens here
                    tcp: {host: 127.0.0.1, port: 1}
                actions:
                  restart:
                    title: Restart a connector
                    params:
                      connector: {enum: [sink, source]}
                    http: {url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                  pause:
                    title: Pause the sink
                    http: {url: "%1$s/pause"}
                procedures:
                  recover:
                    title: Recover a connector
                    params: [connector]
                    steps:
                      - manual: Read the connector's last error
                      - check: [Connector running]
                      - action: pause
                      - action: restart
                      - check: [Connector running]
                  broken-check:
                    steps:
                      - check: [Nothing listens here]
                      - manual: Never reached
                """.formatted(target.baseUrl()));
        catalog = RunbookCatalog.load(runbooks, Map.of(), ExecAllowList.of());
        assertThat(catalog.problems()).isEmpty();
        db = TestDatabases.open(dialect);
        audit = new AuditLog(db, clock);
        approvals = new Approvals(catalog, Map.of("approvers", List.of(LEAD)), new ActionStore(db),
                new ActionRunner(CheckRunner.defaultHttpClient(), ExecAllowList.of(), SecretMasker.fromEnvironment(Map.of()),
                        Duration.ofSeconds(10)), audit, SecretMasker.fromEnvironment(Map.of()), clock);
        checks = new RunbookChecks(new CheckRunner(CheckRunner.defaultHttpClient(), ExecAllowList.of(),
                SecretMasker.fromEnvironment(Map.of()), clock), db, clock);
    }

    /** A process of the bot: its own engine on the shared database, posting requests as the bot does. */
    private Procedures process() {
        return process(new ArrayList<>());
    }

    /** A process that notes in {@code posted} each request it posts. */
    private Procedures process(List<ActionRequest> posted) {
        return new Procedures(catalog, checks, approvals, new ProcedureStore(db), audit, new Procedures.Listener() {
            @Override
            public void changed(Procedures.View view) {
                shown.add(view);
            }

            @Override
            public void actionRequested(ProcedureRun run, ActionRequest request) {
                posted.add(request);
                // As the actions feature does: one that needs nobody else runs at once; the
                // request notes the message it was posted in.
                if (request.needed() == 0) {
                    approvals.run(approvals.claim(request).orElseThrow(), request.requester());
                } else {
                    approvals.attachMessage(request, 1_000 + request.id());
                }
            }

            @Override
            public void requestWithdrawn(ProcedureRun run, ActionRequest request) {
                withdrawn.add(request);
            }
        }, clock);
    }

    /**
     * From now on the process dies (kill -9) at the write that would change the procedure in a
     * way {@code condition} (SQL on the row's {@code NEW} values) describes: that transaction is
     * never committed. A trigger, so the process under test runs its real code up to that point.
     */
    private void killedAt(String condition) {
        db.write(h -> {
            if (db.dialect() == Dialect.SQLITE) {
                h.execute("CREATE TRIGGER killed BEFORE UPDATE ON procedure_run WHEN " + condition
                        + " BEGIN SELECT RAISE(ABORT, 'the process was killed here'); END");
            } else {
                h.execute("CREATE FUNCTION killed() RETURNS trigger LANGUAGE plpgsql AS "
                        + "'BEGIN RAISE EXCEPTION ''the process was killed here''; END'");
                h.execute("CREATE TRIGGER killed BEFORE UPDATE ON procedure_run FOR EACH ROW WHEN (" + condition
                        + ") EXECUTE FUNCTION killed()");
            }
            return null;
        });
    }

    /** The next process starts on a database that no longer kills. */
    private void restarted() {
        db.write(h -> h.execute(db.dialect() == Dialect.SQLITE ? "DROP TRIGGER killed" : "DROP TRIGGER killed ON procedure_run"));
    }

    private List<AuditEntry> requestsFor(String action) {
        return audit.latest(100).stream().filter(e -> e.action().equals("action.request") && e.subject().equals(action)).toList();
    }

    private ProcedureRun run(Procedures p, long id) {
        return p.view(id).orElseThrow().run();
    }

    private long started(Procedures p, String procedure, Map<String, String> values, Optional<Long> incident) throws Exception {
        long id = p.start(p.find(procedure), values, ALICE, "C0CDC00001", incident).run().id();
        p.advance(id);
        return id;
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aProcedureRunsThroughManualCheckAndActionStepsAndEveryStepIsAudited(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        long id = started(p, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        assertThat(run(p, id).state()).isEqualTo(ProcedureRun.State.WAITING);
        assertThat(p.view(id).orElseThrow().waitingManual()).map(ProcedureStep::text).contains("Read the connector's last error");

        assertThat(p.done(id, 0, ALICE)).isInstanceOf(Procedures.Click.Accepted.class);
        p.advance(id);

        // The check passed, the pause needed nobody and ran, the restart waits for its approver.
        Procedures.View waiting = p.view(id).orElseThrow();
        assertThat(waiting.run().state()).isEqualTo(ProcedureRun.State.WAITING);
        assertThat(waiting.run().currentStep()).isEqualTo(3);
        assertThat(waiting.steps()).extracting(ProcedureStep::state).containsExactly(ProcedureStep.State.DONE,
                ProcedureStep.State.DONE, ProcedureStep.State.DONE, ProcedureStep.State.WAITING, ProcedureStep.State.PENDING);
        assertThat(waiting.steps().get(0).doneBy()).contains(ALICE);
        target.verify(1, postRequestedFor(urlPathEqualTo("/pause")));
        ActionRequest restart = approvals.find(waiting.steps().get(3).actionRequest().orElseThrow()).orElseThrow();
        assertThat(restart.requester()).isEqualTo(ALICE);
        assertThat(restart.params()).containsEntry("connector", "sink");
        assertThat(p.sweep()).isEmpty();

        Approvals.Approval approved = approvals.approve(restart.id(), restart.planHash(), LEAD);
        approvals.run(approved.request(), LEAD);
        assertThat(p.sweep()).containsExactly(id);
        p.advance(id);

        ProcedureRun done = run(p, id);
        assertThat(done.state()).isEqualTo(ProcedureRun.State.SUCCEEDED);
        assertThat(p.view(id).orElseThrow().steps().get(3).doneBy()).contains(LEAD);
        target.verify(1, postRequestedFor(urlPathEqualTo("/connectors/sink/restart")));
        assertThat(shown.getLast().run().state()).isEqualTo(ProcedureRun.State.SUCCEEDED);
        List<AuditEntry> entries = audit.latest(50).reversed().stream().filter(e -> e.action().startsWith("procedure.")).toList();
        assertThat(entries).extracting(AuditEntry::action).containsExactly("procedure.start", "procedure.step", "procedure.step",
                "procedure.step", "procedure.step", "procedure.step", "procedure.step", "procedure.step", "procedure.finish");
        assertThat(entries).extracting(AuditEntry::subject).containsOnly("cdc/recover");
        assertThat(audit.verify().intact()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCritStopsTheProcedureAndSaysWhichCheck(Dialect dialect) throws Exception {
        open(dialect);
        target.stubFor(get(urlPathEqualTo("/status")).willReturn(aResponse().withStatus(200).withBody("{\"state\":\"FAILED\"}")));
        Procedures p = process();
        long id = started(p, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        p.done(id, 0, ALICE);
        p.advance(id);

        Procedures.View stopped = p.view(id).orElseThrow();
        assertThat(stopped.run().state()).isEqualTo(ProcedureRun.State.FAILED);
        assertThat(stopped.run().outcome().orElseThrow()).startsWith("stopped at step 2: Connector running CRIT");
        assertThat(stopped.steps()).extracting(ProcedureStep::state).containsExactly(ProcedureStep.State.DONE,
                ProcedureStep.State.FAILED, ProcedureStep.State.PENDING, ProcedureStep.State.PENDING, ProcedureStep.State.PENDING);
        target.verify(0, postRequestedFor(urlPathEqualTo("/pause")));
        assertThat(p.done(id, 2, ALICE)).isEqualTo(new Procedures.Click.Refused(
                "this procedure has ended (failed) at 2026-11-22 10:00 UTC; nothing was done"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anErrorStopsTheProcedureToo(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        long id = started(p, "cdc/broken-check", Map.of(), Optional.empty());

        ProcedureRun stopped = run(p, id);
        assertThat(stopped.state()).isEqualTo(ProcedureRun.State.FAILED);
        assertThat(stopped.outcome().orElseThrow()).startsWith("stopped at step 1: Nothing listens here ERROR");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRejectedActionStopsTheProcedure(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        long id = started(p, "cdc/recover", Map.of("connector", "source"), Optional.empty());
        p.done(id, 0, ALICE);
        p.advance(id);
        long request = p.view(id).orElseThrow().steps().get(3).actionRequest().orElseThrow();

        approvals.reject(request, LEAD, "not during the month-end load");
        assertThat(p.sweep()).isEmpty();

        ProcedureRun stopped = run(p, id);
        assertThat(stopped.state()).isEqualTo(ProcedureRun.State.FAILED);
        assertThat(stopped.outcome()).contains("stopped at step 4: action cdc/restart rejected (rejected): not during the month-end load");
        target.verify(0, postRequestedFor(urlPathEqualTo("/connectors/source/restart")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTickAfterARestartIsAcceptedAndTheProcedureGoesOn(Dialect dialect) throws Exception {
        open(dialect);
        long id = started(process(), "cdc/recover", Map.of("connector", "sink"), Optional.empty());

        Procedures restarted = process();
        assertThat(restarted.done(id, 0, ALICE)).isInstanceOf(Procedures.Click.Accepted.class);
        restarted.advance(id);

        assertThat(run(restarted, id).currentStep()).isEqualTo(3);
        assertThat(restarted.done(id, 0, ALICE)).isEqualTo(new Procedures.Click.Refused("step 1 is done already"));
        assertThat(restarted.done(id, 3, ALICE)).isEqualTo(new Procedures.Click.Refused(
                "step 4 is not the one waiting for a tick; the message shows where the procedure is"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCheckStepWhoseProcessDiedIsResumedByAnotherAfterTheLease(Dialect dialect) throws Exception {
        open(dialect);
        Procedures dead = process();
        long id = started(dead, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        // Ticked, then the process died before it ran the check step: it holds the claim, unextended.
        assertThat(dead.done(id, 0, ALICE)).isInstanceOf(Procedures.Click.Accepted.class);

        Procedures next = process();
        assertThat(next.sweep()).isEmpty();
        clock.advance(Procedures.LEASE.plusSeconds(1));
        assertThat(next.sweep()).containsExactly(id);
        next.advance(id);

        Procedures.View resumed = next.view(id).orElseThrow();
        assertThat(resumed.run().currentStep()).isEqualTo(3);
        assertThat(resumed.steps().get(1).state()).isEqualTo(ProcedureStep.State.DONE);
        assertThat(next.sweep()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anActionWithoutApprovalThatWasNeverPostedIsPostedByTheNextSweep(Dialect dialect) throws Exception {
        open(dialect);
        List<ActionRequest> posted = new ArrayList<>();
        Procedures diesBeforePosting = new Procedures(catalog, checks, approvals, new ProcedureStore(db), audit,
                new Procedures.Listener() {
                    @Override
                    public void changed(Procedures.View view) {
                    }

                    @Override
                    public void actionRequested(ProcedureRun run, ActionRequest request) {
                        posted.add(request);
                    }

                    @Override
                    public void requestWithdrawn(ProcedureRun run, ActionRequest request) {
                    }
                }, clock);
        long id = started(diesBeforePosting, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        diesBeforePosting.done(id, 0, ALICE);
        diesBeforePosting.advance(id);
        assertThat(posted).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo("pause"));
        target.verify(0, postRequestedFor(urlPathEqualTo("/pause")));

        Procedures next = process();
        assertThat(next.sweep()).isEmpty();
        clock.advance(Procedures.LEASE.plusSeconds(1));
        assertThat(next.sweep()).containsExactly(id);
        next.advance(id);

        target.verify(1, postRequestedFor(urlPathEqualTo("/pause")));
        assertThat(run(next, id).currentStep()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aProcedureForAnIncidentIsAuditedAgainstTheIncident(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        long id = started(p, "cdc/recover", Map.of("connector", "sink"), Optional.of(42L));
        p.cancel(id, ALICE);

        assertThat(audit.latest(10).stream().filter(e -> e.action().startsWith("procedure.")))
                .extracting(AuditEntry::subject).containsOnly("incident:42");
        assertThat(run(p, id).state()).isEqualTo(ProcedureRun.State.CANCELLED);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void cancellingWithdrawsTheRequestItWaitsOn(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        long id = started(p, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        p.done(id, 0, ALICE);
        p.advance(id);
        long request = p.view(id).orElseThrow().steps().get(3).actionRequest().orElseThrow();

        assertThat(p.cancel(id, LEAD)).isInstanceOf(Procedures.Click.Accepted.class);

        ActionRequest closed = approvals.find(request).orElseThrow();
        assertThat(closed.state()).isEqualTo(ActionRequest.State.REJECTED);
        assertThat(closed.withdrawn()).isTrue();
        assertThat(closed.decidedBy()).contains(LEAD);
        assertThat(closed.decisionNote()).contains("procedure #" + id + " (cdc/recover) was cancelled");
        assertThat(withdrawn).extracting(ActionRequest::id).containsExactly(request);
        assertThat(run(p, id).outcome()).contains("cancelled by " + LEAD);
        String ended = "this procedure was cancelled by <@" + LEAD + "> at 2026-11-22 10:00 UTC; nothing was done";
        assertThat(p.cancel(id, LEAD)).isEqualTo(new Procedures.Click.Refused(ended));
        assertThat(p.done(id, 3, ALICE)).isEqualTo(new Procedures.Click.Refused(ended));
        assertThat(approvals.approve(request, closed.planHash(), LEAD)).isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                r -> assertThat(r.why()).isEqualTo("this request was withdrawn by <@" + LEAD + ">: procedure #" + id
                        + " (cdc/recover) was cancelled; it will not run"));
        assertThat(approvals.find(request).orElseThrow().state()).isEqualTo(ActionRequest.State.REJECTED);
        assertThat(withdrawn).hasSize(1);
        target.verify(0, postRequestedFor(urlPathEqualTo("/connectors/sink/restart")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aProcessKilledBeforeItStoresTheStepWaitingLeavesNoSecondRequest(Dialect dialect) throws Exception {
        open(dialect);
        Procedures killed = process();
        long id = started(killed, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        killed.done(id, 0, ALICE);
        // Killed right after the restart step asked for its request, before the step was stored waiting for it.
        killedAt("NEW.state = 'WAITING' AND NEW.current_step = 3");
        assertThatThrownBy(() -> killed.advance(id)).hasMessageContaining("the process was killed here");
        restarted();

        List<ActionRequest> posted = new ArrayList<>();
        Procedures next = process(posted);
        clock.advance(Procedures.LEASE.plusSeconds(1));
        assertThat(next.sweep()).containsExactly(id);
        next.advance(id);

        long request = next.view(id).orElseThrow().steps().get(3).actionRequest().orElseThrow();
        // One request for the step, so no approver can find a second one and run the restart twice.
        assertThat(requestsFor("cdc/restart")).singleElement().satisfies(e -> assertThat(((Number) e.details().get("request")).longValue()).isEqualTo(request));
        assertThat(approvals.pendingOf(ALICE)).extracting(ActionRequest::id).containsExactly(request);
        assertThat(posted).extracting(ActionRequest::id).containsExactly(request);
        assertThat(run(next, id).state()).isEqualTo(ProcedureRun.State.WAITING);
        target.verify(1, postRequestedFor(urlPathEqualTo("/pause")));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRequestWhoseProcessWasKilledBeforePostingItIsPostedOnceByTheNextSweep(Dialect dialect) throws Exception {
        open(dialect);
        Procedures killed = process(new ArrayList<>() {
            @Override
            public boolean add(ActionRequest r) {
                if (r.needed() > 0) {
                    throw new IllegalStateException("the process was killed here");
                }
                return super.add(r);
            }
        });
        long id = started(killed, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        killed.done(id, 0, ALICE);
        assertThatThrownBy(() -> killed.advance(id)).hasMessageContaining("the process was killed here");
        long request = killed.view(id).orElseThrow().steps().get(3).actionRequest().orElseThrow();

        List<ActionRequest> posted = new ArrayList<>();
        Procedures next = process(posted);
        assertThat(next.sweep()).isEmpty();
        assertThat(posted).as("within the lease the first process may still post it").isEmpty();
        clock.advance(Procedures.LEASE.plusSeconds(1));
        assertThat(next.sweep()).isEmpty();
        assertThat(next.sweep()).isEmpty();

        assertThat(posted).extracting(ActionRequest::id).containsExactly(request);
        assertThat(requestsFor("cdc/restart")).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aChangeWhoseProcessWasKilledBeforeItWasDrawnIsDrawnByTheNextSweep(Dialect dialect) throws Exception {
        open(dialect);
        Procedures killed = new Procedures(catalog, checks, approvals, new ProcedureStore(db), audit, new Procedures.Listener() {
            @Override
            public void changed(Procedures.View view) {
                throw new IllegalStateException("the process was killed here");
            }

            @Override
            public void actionRequested(ProcedureRun run, ActionRequest request) {
            }

            @Override
            public void requestWithdrawn(ProcedureRun run, ActionRequest request) {
            }
        }, clock);
        Procedures.View first = killed.start(killed.find("cdc/recover"), Map.of("connector", "sink"), ALICE, "C0CDC00001",
                Optional.empty());
        killed.shown(first);
        long id = first.run().id();
        // The first step now waits for its tick, but the message showing its Done button was never queued.
        assertThatThrownBy(() -> killed.advance(id)).hasMessageContaining("the process was killed here");

        Procedures next = process();
        assertThat(next.sweep()).isEmpty();
        assertThat(shown).as("within the lease the first process may still draw it").isEmpty();
        clock.advance(Procedures.LEASE.plusSeconds(1));
        assertThat(next.sweep()).isEmpty();
        assertThat(next.sweep()).isEmpty();

        assertThat(shown).singleElement().satisfies(v -> assertThat(v.waitingManual()).map(ProcedureStep::index).contains(0));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCancelWhoseProcessWasKilledAfterTheWithdrawalIsFinishedByTheSweep(Dialect dialect) throws Exception {
        open(dialect);
        Procedures killed = process();
        long id = started(killed, "cdc/recover", Map.of("connector", "sink"), Optional.empty());
        killed.done(id, 0, ALICE);
        killed.advance(id);
        long request = killed.view(id).orElseThrow().steps().get(3).actionRequest().orElseThrow();
        killedAt("NEW.state = 'CANCELLED'");
        assertThatThrownBy(() -> killed.cancel(id, LEAD)).hasMessageContaining("the process was killed here");
        restarted();
        assertThat(approvals.find(request).orElseThrow().withdrawn()).isTrue();

        assertThat(process().sweep()).isEmpty();

        ProcedureRun cancelled = run(killed, id);
        assertThat(cancelled.state()).isEqualTo(ProcedureRun.State.CANCELLED);
        assertThat(cancelled.outcome()).contains("cancelled by " + LEAD);
        assertThat(withdrawn).extracting(ActionRequest::id).containsExactly(request);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void wrongOrMissingStartValuesAreRefusedBeforeAnythingIsRecorded(Dialect dialect) throws Exception {
        open(dialect);
        Procedures p = process();
        Procedures.Target recover = p.find("recover");

        assertThatThrownBy(() -> p.start(recover, Map.of("conector", "sink"), ALICE, "C1", Optional.empty()))
                .isInstanceOfSatisfying(InvalidParameters.class, e -> assertThat(e.problems()).containsExactly(
                        "conector is not a parameter of cdc/recover (it takes connector); did you mean connector?",
                        "connector is required"));
        assertThatThrownBy(() -> p.start(recover, Map.of("connector", "middle"), ALICE, "C1", Optional.empty()))
                .isInstanceOfSatisfying(InvalidParameters.class, e -> assertThat(e.problems())
                        .containsExactly("connector must be one of sink, source"));
        assertThatThrownBy(() -> p.find("cdc/recovr")).isInstanceOfSatisfying(InvalidParameters.class,
                e -> assertThat(e.problems()).containsExactly("there is no procedure cdc/recovr; did you mean cdc/recover?"));
        assertThat(p.active()).isEmpty();
    }
}
