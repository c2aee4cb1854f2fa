package org.opsbot.commands.approval;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.DiskKind;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Scheduled actions: claimed apart from scheduled checks, and their alert fired and resolved once. */
class ScheduledActionAlertsTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Schedule CHECKS = new Schedule("0 6 * * *", UTC, Optional.empty());
    private static final Schedule SYNC = new Schedule("0 6 * * *", UTC, Optional.empty(),
            Optional.of(new Schedule.ScheduledAction("full-sync", Map.of("mode", "full"))));
    private static final Runbook CDC = new Runbook("cdc", "CDC", "cdc", Optional.empty(), List.of(CHECKS, SYNC),
            List.of(new Check("disk", new DiskKind.Disk("/"))), List.of(), List.of(), Path.of("cdc.yaml"));
    private static final Instant FIRST_SEEN = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant NEXT_SIX = Instant.parse("2026-11-22T06:00:05Z");

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void checksAndActionsAtTheSameTimeAreClaimedApartAndOnceEach(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookSchedules a = new RunbookSchedules(db, "a");
            RunbookSchedules b = new RunbookSchedules(db, "b");
            a.claimDue(CDC, FIRST_SEEN);
            a.claimDueActions(CDC, FIRST_SEEN);

            assertThat(a.claimDue(CDC, NEXT_SIX)).singleElement()
                    .satisfies(run -> assertThat(run.schedule()).isEqualTo(CHECKS));
            assertThat(a.claimDueActions(CDC, NEXT_SIX)).singleElement().satisfies(run -> {
                assertThat(run.schedule()).isEqualTo(SYNC);
                assertThat(a.started(run)).isTrue();
            });
            assertThat(b.claimDueActions(CDC, NEXT_SIX.plusSeconds(5))).as("once across replicas").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFailureFiresForTheTeamAndOnlyTheNextSuccessAfterItResolves(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            ScheduledActionAlerts alerts = new ScheduledActionAlerts(db);
            assertThat(alerts.succeeded(CDC, SYNC)).as("a healthy job opens nothing").isEmpty();

            ScheduledActionAlerts.Change failed = alerts.failed(CDC, SYNC, "HTTP 500 in 12 ms");
            assertThat(failed.notification().alerts()).singleElement().satisfies(a -> {
                assertThat(a.firing()).isTrue();
                assertThat(a.labels()).containsEntry("team", "cdc").containsEntry("action", "full-sync")
                        .containsEntry("alertname", ScheduledActionAlerts.ALERTNAME);
                assertThat(a.annotations().get("summary"))
                        .isEqualTo("Scheduled action cdc/full-sync (0 6 * * *) failed: HTTP 500 in 12 ms");
            });
            alerts.told(failed);

            ScheduledActionAlerts.Change resolved = alerts.succeeded(CDC, SYNC).orElseThrow();
            assertThat(resolved.notification().alerts().getFirst().firing()).isFalse();
            assertThat(resolved.notification().alerts().getFirst().fingerprint())
                    .isEqualTo(failed.notification().alerts().getFirst().fingerprint());
            alerts.told(resolved);
            assertThat(alerts.succeeded(CDC, SYNC)).isEmpty();
        }
    }
}
