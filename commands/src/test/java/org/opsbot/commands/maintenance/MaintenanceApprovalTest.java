package org.opsbot.commands.maintenance;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.approval.ActionRunner;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ad hoc maintenance outside a team's recurring windows goes through the same four-eyes requests
 * as runbook actions: it starts only when enough members of the team's approval role approve.
 */
class MaintenanceApprovalTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles:
              managers: [UMANAGER1, UMANAGER2, UASKERMGR]
            teams:
              cdc:
                channel: "#cdc"
                maintenance-approval: {role: managers, count: 2, within: 1h}
              web: {channel: "#web"}
            routes: [{team: cdc}]
            maintenance:
              - {name: cdc-weekly, team: cdc, cron: "0 2 * * SUN", duration: 4h, time-zone: Europe/Berlin}
            """, "opsbot.yaml").require();
    // Wednesday 14 January 2026, 10:00 UTC: outside cdc-weekly.
    private static final Instant WEDNESDAY = Instant.parse("2026-01-14T10:00:00Z");
    // Sunday 11 January 2026, 03:00 in Berlin: inside cdc-weekly.
    private static final Instant SUNDAY_3AM = Instant.parse("2026-01-11T02:00:00Z");

    private final MutableClock clock = new MutableClock(WEDNESDAY);
    @TempDir
    Path runbooks;

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private record Engine(Maintenance maintenance, Approvals approvals) {
    }

    private Engine engine(Database db) {
        AuditLog audit = new AuditLog(db, clock);
        Maintenance maintenance = new Maintenance(db, CONFIG.maintenance(), audit, clock);
        Approvals approvals = new Approvals(RunbookCatalog.load(runbooks, Map.of(), ExecAllowList.none()), CONFIG.roles(),
                new ActionStore(db), new ActionRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(), SecretMasker.of(),
                Duration.ofSeconds(5)), audit, SecretMasker.of(), clock);
        approvals.onApproved(ActionRequest.MAINTENANCE, maintenance::startApproved);
        return new Engine(maintenance, approvals);
    }

    private ActionRequest ask(Engine e, String requester) throws Maintenance.Refused {
        Instant now = clock.instant();
        return e.approvals().request(e.maintenance().approvalRequest("cdc", now, now.plus(Duration.ofHours(2)), "OS updates"),
                requester, "OS updates", "#cdc");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void maintenanceOutsideTheWindowsNeedsApprovalOnlyThereAndOnlyForTeamsThatAskForIt(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = engine(db).maintenance();

            assertThat(maintenance.approvalNeeded("cdc", WEDNESDAY)).hasValueSatisfying(a -> {
                assertThat(a.role()).isEqualTo("managers");
                assertThat(a.count()).isEqualTo(2);
            });
            assertThat(maintenance.approvalNeeded("cdc", SUNDAY_3AM)).as("inside cdc-weekly").isEmpty();
            assertThat(maintenance.approvalNeeded("web", WEDNESDAY)).as("no maintenance-approval").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theWindowStartsOnlyOnceTheQuorumOfOthersApproves(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engine e = engine(db);
            ActionRequest r = ask(e, "UASKERMGR");
            assertThat(r.kind()).isEqualTo(ActionRequest.MAINTENANCE);
            assertThat(r.needed()).isEqualTo(2);
            assertThat(r.expiresAt()).contains(WEDNESDAY.plus(Duration.ofHours(1)));

            assertThat(e.approvals().approve(r.id(), r.planHash(), "UASKERMGR"))
                    .as("a member of the role cannot approve their own request")
                    .isInstanceOfSatisfying(Approvals.Approval.Refused.class, x -> assertThat(x.why()).contains("someone else"));
            assertThat(e.approvals().approve(r.id(), r.planHash(), "USTRANGER"))
                    .isInstanceOf(Approvals.Approval.Refused.class);
            assertThat(e.approvals().approve(r.id(), r.planHash(), "UMANAGER1")).isInstanceOf(Approvals.Approval.Counted.class);
            assertThat(e.maintenance().active()).as("one approval of two starts nothing").isEmpty();

            Approvals.Approval last = e.approvals().approve(r.id(), r.planHash(), "UMANAGER2");
            assertThat(last).isInstanceOf(Approvals.Approval.Approved.class);
            Approvals.RanRequest ran = e.approvals().run(last.request(), "UMANAGER2");

            assertThat(ran.result().succeeded()).isTrue();
            assertThat(ran.request().state()).isEqualTo(ActionRequest.State.SUCCEEDED);
            assertThat(e.maintenance().active()).singleElement().satisfies(w -> {
                assertThat(w.team()).isEqualTo("cdc");
                assertThat(w.reason()).isEqualTo("OS updates");
                assertThat(w.endsAt()).isEqualTo(WEDNESDAY.plus(Duration.ofHours(2)));
            });
            assertThat(new AuditLog(db, clock).latest(20)).extracting(a -> a.action())
                    .contains("maintenance.request", "maintenance.approve", "maintenance.run", "maintenance.start");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRejectedRequestStartsNoWindow(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engine e = engine(db);
            ActionRequest r = ask(e, "UENGINEER");
            e.approvals().approve(r.id(), r.planHash(), "UMANAGER1");

            assertThat(e.approvals().reject(r.id(), "UMANAGER2", "not during the release"))
                    .isInstanceOf(Approvals.Approval.Rejected.class);
            assertThat(e.approvals().approve(r.id(), r.planHash(), "UASKERMGR")).isInstanceOf(Approvals.Approval.Refused.class);
            assertThat(e.maintenance().active()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anExpiredRequestStartsNoWindow(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engine e = engine(db);
            ActionRequest r = ask(e, "UENGINEER");
            e.approvals().approve(r.id(), r.planHash(), "UMANAGER1");
            clock.advance(Duration.ofHours(1));

            assertThat(e.approvals().expireDue()).extracting(ActionRequest::id).containsExactly(r.id());
            assertThat(e.approvals().approve(r.id(), r.planHash(), "UMANAGER2"))
                    .isInstanceOfSatisfying(Approvals.Approval.Refused.class,
                            x -> assertThat(x.why()).contains("/ops maintenance"));
            assertThat(e.maintenance().active()).isEmpty();
        }
    }
}
