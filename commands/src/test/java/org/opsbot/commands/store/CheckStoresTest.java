package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditEntry;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class CheckStoresTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T06:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private static void with(Dialect dialect, Consumer<Database> test) {
        try (Database db = TestDatabases.open(dialect)) {
            test.accept(db);
        }
    }

    private static RunReport report(String runbook, Instant at) {
        return new RunReport(runbook, "CDC morning", "schedule:0 6 * * *", at, Duration.ofMillis(1234), List.of(
                new CheckResult(0, "Source connector", "http", Status.OK, Optional.of("RUNNING"), Optional.of(12.0),
                        Optional.empty(), "/connector/state is RUNNING", Duration.ofMillis(12)),
                new CheckResult(1, "Lag", "prometheus", Status.CRIT, Optional.of("12000"), Optional.of(12000.0),
                        Optional.of("crit > 10000"), "value 12000 (crit > 10000)", Duration.ofMillis(40)),
                new CheckResult(2, "Backups", "disk", Status.ERROR, Optional.empty(), Optional.empty(),
                        Optional.empty(), "the path /var/backups/cdc does not exist", Duration.ofMillis(1))));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aStoredRunReadsBackAsTheSameReport(Dialect dialect) {
        with(dialect, db -> {
            CheckRunStore runs = new CheckRunStore(db);
            RunReport report = report("cdc-morning", clock.instant());

            long id = runs.record(report);

            assertThat(runs.find(id)).contains(report);
            assertThat(runs.latest("cdc-morning", 5)).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.CRIT);
                assertThat(r.summary()).isEqualTo("1/3 OK, 1 CRIT, 1 ERROR");
                assertThat(r.actor()).isEqualTo("schedule:0 6 * * *");
            });
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theLatestRunsComeNewestFirstPerRunbook(Dialect dialect) {
        with(dialect, db -> {
            CheckRunStore runs = new CheckRunStore(db);
            long first = runs.record(report("cdc-morning", Instant.parse("2026-11-20T06:00:00Z")));
            long second = runs.record(report("cdc-morning", Instant.parse("2026-11-21T06:00:00Z")));
            runs.record(report("other", Instant.parse("2026-11-22T06:00:00Z")));

            assertThat(runs.latest("cdc-morning", 10)).extracting(CheckRunStore.StoredRun::id).containsExactly(second, first);
            assertThat(runs.latest("cdc-morning", 1)).hasSize(1);
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aScheduledTimeIsClaimedOnceAndOnlyMovesForward(Dialect dialect) {
        with(dialect, db -> {
            ScheduleStore schedules = new ScheduleStore(db);
            Instant six = Instant.parse("2026-11-22T06:00:00Z");

            assertThat(schedules.claim("cdc", "0 6 * * * UTC", six, "a")).isTrue();
            assertThat(schedules.claim("cdc", "0 6 * * * UTC", six, "b")).as("a second replica loses").isFalse();
            assertThat(schedules.claim("cdc", "0 6 * * * UTC", six.minusSeconds(86_400), "b")).isFalse();
            assertThat(schedules.lastFired("cdc")).containsExactly(Map.entry("0 6 * * * UTC", six));
            assertThat(schedules.claim("cdc", "0 6 * * * UTC", six.plusSeconds(86_400), "b")).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aClaimWhoseHolderDiedBeforeStartingIsTakenOverAndStartedOnce(Dialect dialect) {
        with(dialect, db -> {
            ScheduleStore schedules = new ScheduleStore(db);
            Instant six = Instant.parse("2026-11-22T06:00:00Z");
            schedules.claim("cdc", "0 6 * * * UTC", six, "a");
            assertThat(schedules.unstarted("cdc")).containsExactly(Map.entry("0 6 * * * UTC", six));

            assertThat(schedules.retake("cdc", "0 6 * * * UTC", six, "b")).isTrue();
            assertThat(schedules.started("cdc", "0 6 * * * UTC", six, "a"))
                    .as("a, only slow, finds its claim taken over and does not run it").isFalse();
            assertThat(schedules.started("cdc", "0 6 * * * UTC", six, "b")).isTrue();
            assertThat(schedules.started("cdc", "0 6 * * * UTC", six, "b")).as("started once").isFalse();
            assertThat(schedules.unstarted("cdc")).isEmpty();
            assertThat(schedules.retake("cdc", "0 6 * * * UTC", six, "c")).as("a started run is not taken over").isFalse();
            assertThat(schedules.lastFired("cdc")).containsExactly(Map.entry("0 6 * * * UTC", six));
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRememberedTimeIsNotARunToTakeOver(Dialect dialect) {
        with(dialect, db -> {
            ScheduleStore schedules = new ScheduleStore(db);
            Instant six = Instant.parse("2026-11-22T06:00:00Z");
            schedules.remember("cdc", "0 6 * * * UTC", six);
            schedules.remember("cdc", "0 6 * * * UTC", six.plusSeconds(86_400));

            assertThat(schedules.lastFired("cdc")).containsExactly(Map.entry("0 6 * * * UTC", six));
            assertThat(schedules.unstarted("cdc")).isEmpty();
            assertThat(schedules.retake("cdc", "0 6 * * * UTC", six, "b")).isFalse();
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theAuditLogKeepsEntriesInOrderWithTheirDetails(Dialect dialect) {
        with(dialect, db -> {
            AuditLog audit = new AuditLog(db, clock);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("run", 7);
            details.put("status", "CRIT");
            details.put("note", null);
            audit.append("U0ALICE001", "check.run", "cdc-morning", details);
            clock.advance(Duration.ofMinutes(1));
            audit.append("cli", "check.run", "local", Map.of());

            List<AuditEntry> latest = audit.latest(10);

            assertThat(latest).extracting(AuditEntry::actor).containsExactly("cli", "U0ALICE001");
            assertThat(latest.get(1).details()).containsEntry("run", 7).containsEntry("status", "CRIT");
            assertThat(latest.get(1).at()).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
            assertThat(audit.latest(1)).hasSize(1);
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void checklistTicksRecordWhoAndWhen(Dialect dialect) {
        with(dialect, db -> {
            ChecklistStore checklist = new ChecklistStore(db, clock);
            checklist.tick("cdc-morning", 1, "Review the reconciliation report", "U0BOB00001");

            assertThat(checklist.ticks("cdc-morning", clock.instant().minusSeconds(3600))).singleElement().satisfies(t -> {
                assertThat(t.tickedBy()).isEqualTo("U0BOB00001");
                assertThat(t.item()).isEqualTo(1);
                assertThat(t.tickedAt()).isEqualTo(clock.instant());
            });
            assertThat(checklist.ticks("cdc-morning", clock.instant().plusSeconds(1))).isEmpty();
        });
    }
}
