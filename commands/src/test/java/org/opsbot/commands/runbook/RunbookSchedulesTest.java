package org.opsbot.commands.runbook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.DiskKind;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunbookSchedulesTest {
    private static final Schedule SIX_UTC = new Schedule("0 6 * * *", ZoneId.of("UTC"), Optional.of("#cdc-alerts"));
    private static final Runbook CDC = new Runbook("cdc", "CDC", "cdc", Optional.empty(), List.of(SIX_UTC),
            List.of(new Check("disk", new DiskKind.Disk("/"))), List.of(), List.of(), Path.of("cdc.yaml"));
    private static final Instant FIRST_SEEN = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant NEXT_SIX = Instant.parse("2026-11-22T06:00:00Z");

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aScheduleSeenForTheFirstTimeIsRememberedAndRunsAtItsNextTime(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookSchedules schedules = new RunbookSchedules(db, "a");

            assertThat(schedules.claimDue(CDC, FIRST_SEEN)).as("not run when first seen").isEmpty();
            assertThat(schedules.claimDue(CDC, NEXT_SIX.minusSeconds(60))).isEmpty();
            assertThat(schedules.claimDue(CDC, NEXT_SIX.plusSeconds(5))).singleElement()
                    .satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(NEXT_SIX));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aDueRunIsClaimedByOneReplicaOnly(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookSchedules a = new RunbookSchedules(db, "a");
            RunbookSchedules b = new RunbookSchedules(db, "b");
            a.claimDue(CDC, FIRST_SEEN);

            List<ScheduleCalendar.DueRun> claimed = a.claimDue(CDC, NEXT_SIX.plusSeconds(5));
            assertThat(a.started(claimed.getFirst())).isTrue();

            assertThat(b.claimDue(CDC, NEXT_SIX.plusSeconds(10))).isEmpty();
            assertThat(a.claimDue(CDC, NEXT_SIX.plusSeconds(15))).as("started once").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aClaimWhoseHolderDiedBeforeStartingIsTakenOverOnceAndRunsLate(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookSchedules a = new RunbookSchedules(db, "a");
            RunbookSchedules b = new RunbookSchedules(db, "b");
            a.claimDue(CDC, FIRST_SEEN);
            ScheduleCalendar.DueRun lost = a.claimDue(CDC, NEXT_SIX.plusSeconds(5)).getFirst();

            List<ScheduleCalendar.DueRun> retaken = b.claimDue(CDC, NEXT_SIX.plusSeconds(300));

            assertThat(retaken).singleElement().satisfies(run -> {
                assertThat(run.scheduledFor()).isEqualTo(NEXT_SIX);
                assertThat(run.late()).isEqualTo(Duration.ofSeconds(300));
            });
            assertThat(a.started(lost)).as("the slow holder finds its claim taken over").isFalse();
            assertThat(b.started(retaken.getFirst())).isTrue();
            assertThat(b.claimDue(CDC, NEXT_SIX.plusSeconds(305))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void runsMissedWhileTheBotWasDownRunOnce(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookSchedules schedules = new RunbookSchedules(db, "a");
            schedules.claimDue(CDC, FIRST_SEEN);

            assertThat(schedules.claimDue(CDC, NEXT_SIX.plus(Duration.ofDays(3)).plusSeconds(3600))).singleElement()
                    .satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(NEXT_SIX.plus(Duration.ofDays(3))));
        }
    }
}
