package org.opsbot.commands.maintenance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.MaintenanceConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.MaintenanceWindow;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaintenanceTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            teams:
              cdc: {channel: "#cdc"}
              web: {channel: "#web"}
            routes: [{team: cdc}]
            maintenance:
              - {name: cdc-weekly, team: cdc, cron: "0 2 * * SUN", duration: 4h, time-zone: Europe/Berlin}
              - {name: cdc-db, team: cdc, cron: "0 4 * * SUN", duration: 1h, time-zone: Europe/Berlin,
                 labels: {service: [db, cache]}}
            """, "opsbot.yaml").require();
    private static final MaintenanceConfig.Window WEEKLY = CONFIG.maintenance().window("cdc-weekly").orElseThrow();
    private static final List<Map<String, String>> CDC_ALERT = List.of(Map.of("alertname", "Lag"));

    // Sunday 11 January 2026, 03:00 in Berlin (CET, UTC+1): inside cdc-weekly.
    private static final Instant SUNDAY_3AM = Instant.parse("2026-01-11T02:00:00Z");
    private final MutableClock clock = new MutableClock(SUNDAY_3AM);

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private void at(String instant) {
        clock.advance(Duration.between(clock.instant(), Instant.parse(instant)));
    }

    private Maintenance maintenance(Database db) {
        return new Maintenance(db, CONFIG.maintenance(), new AuditLog(db, clock), clock);
    }

    @Test
    void aRecurringWindowStartsAtItsCronTimeInItsOwnZoneInWinterAndSummer() {
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, SUNDAY_3AM)).contains(Instant.parse("2026-01-11T01:00:00Z"));
        // Summer time (CEST, UTC+2): 02:00 in Berlin is 00:00 UTC.
        assertThat(MaintenanceCalendar.nextStart(WEEKLY, Instant.parse("2026-04-01T00:00:00Z")))
                .contains(Instant.parse("2026-04-05T00:00:00Z"));
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, Instant.parse("2026-04-05T03:59:00Z"))).isPresent();
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, Instant.parse("2026-04-05T04:00:00Z"))).isEmpty();
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, Instant.parse("2026-01-14T02:00:00Z"))).as("a Wednesday").isEmpty();
    }

    @Test
    void onTheNightsTheClocksChangeTheWindowHappensOnce() {
        // 29 March 2026: 02:00 does not exist in Berlin (clocks jump to 03:00 CEST). The window starts then.
        assertThat(MaintenanceCalendar.startsOn(WEEKLY, LocalDate.parse("2026-03-29")))
                .containsExactly(Instant.parse("2026-03-29T01:00:00Z"));
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, Instant.parse("2026-03-29T04:59:00Z")))
                .contains(Instant.parse("2026-03-29T01:00:00Z"));
        // 25 October 2026: 02:00 happens twice in Berlin (CEST, then CET); the window starts once, at the first.
        assertThat(MaintenanceCalendar.startsOn(WEEKLY, LocalDate.parse("2026-10-25")))
                .containsExactly(Instant.parse("2026-10-25T00:00:00Z"));
        assertThat(MaintenanceCalendar.runningAt(WEEKLY, Instant.parse("2026-10-25T01:30:00Z")))
                .as("the second 02:30 is inside the same window").contains(Instant.parse("2026-10-25T00:00:00Z"));
        assertThat(MaintenanceCalendar.nextStart(WEEKLY, Instant.parse("2026-10-25T00:30:00Z")))
                .contains(Instant.parse("2026-11-01T01:00:00Z"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRunningRecurringWindowHoldsItsTeamsAlertsOnlyWhileItRuns(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = maintenance(db);

            assertThat(maintenance.holding("cdc", CDC_ALERT)).hasValueSatisfying(w -> {
                assertThat(w.windowName()).contains("cdc-weekly");
                assertThat(w.endsAt()).isEqualTo(Instant.parse("2026-01-11T05:00:00Z"));
            });
            assertThat(maintenance.holding("web", CDC_ALERT)).as("another team").isEmpty();

            at("2026-01-11T05:00:00Z");
            assertThat(maintenance.holding("cdc", CDC_ALERT)).as("over at 06:00 Berlin").isEmpty();
            assertThat(maintenance(db).active()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aWindowWithLabelsHoldsOnlyGroupsWhoseEveryAlertCarriesThem(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = maintenance(db);
            at("2026-01-11T03:30:00Z"); // 04:30 Berlin: cdc-weekly and cdc-db run
            MaintenanceWindow db1 = maintenance.active().stream().filter(w -> w.windowName().equals(Optional.of("cdc-db")))
                    .findFirst().orElseThrow();

            assertThat(Maintenance.matches(db1, "cdc", List.of(Map.of("service", "db")))).isTrue();
            assertThat(Maintenance.matches(db1, "cdc", List.of(Map.of("service", "cache"), Map.of("service", "db")))).isTrue();
            assertThat(Maintenance.matches(db1, "cdc", List.of(Map.of("service", "db"), Map.of("service", "web"))))
                    .as("one alert of the group is not in maintenance").isFalse();
            assertThat(Maintenance.matches(db1, "cdc", List.of(Map.of("alertname", "Lag")))).as("no service label").isFalse();
            assertThat(Maintenance.matches(db1, "web", List.of(Map.of("service", "db")))).as("another team").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void overlappingWindowsHoldUntilTheLastEndsAndEndingTheTeamEndsThemAll(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = maintenance(db);
            MaintenanceWindow adHoc = maintenance.start("cdc", SUNDAY_3AM, SUNDAY_3AM.plus(Duration.ofHours(5)), "patching", "U0ALICE001");

            assertThat(maintenance.holding("cdc", CDC_ALERT)).as("the one that ends last").contains(adHoc);
            assertThat(maintenance.active()).hasSize(2);
            assertThatThrownBy(() -> maintenance.start("cdc", SUNDAY_3AM.plus(Duration.ofHours(1)),
                    SUNDAY_3AM.plus(Duration.ofHours(2)), "more", "U0ALICE001"))
                    .isInstanceOf(Maintenance.Refused.class).hasMessageContaining("already has ad hoc maintenance (#" + adHoc.id());

            clock.advance(Duration.ofHours(3)); // cdc-weekly is over; the ad hoc window runs on
            assertThat(maintenance.holding("cdc", CDC_ALERT)).contains(adHoc);

            List<MaintenanceWindow> ended = maintenance.end(Optional.empty(), "U0BOB00001");
            assertThat(ended).extracting(MaintenanceWindow::id).containsExactly(adHoc.id());
            assertThat(ended.getFirst().endedBy()).contains("U0BOB00001");
            assertThat(maintenance.holding("cdc", CDC_ALERT)).isEmpty();
            assertThatThrownBy(() -> maintenance.end(Optional.of("cdc"), "U0BOB00001"))
                    .isInstanceOf(Maintenance.Refused.class).hasMessage("No maintenance window is running.");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aSkippedOccurrenceHoldsNothingAndTheListShowsTheOneAfter(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            at("2026-01-13T10:00:00Z"); // a Tuesday
            Maintenance maintenance = maintenance(db);

            Instant skipped = maintenance.skip("cdc-weekly", Optional.empty(), "U0ALICE001");
            assertThat(skipped).isEqualTo(Instant.parse("2026-01-18T01:00:00Z"));
            assertThat(maintenance.overview().upcoming()).filteredOn(u -> u.title().equals("cdc-weekly"))
                    .singleElement().satisfies(u -> assertThat(u.from()).isEqualTo(Instant.parse("2026-01-25T01:00:00Z")));

            at("2026-01-18T02:00:00Z");
            assertThat(maintenance.holding("cdc", CDC_ALERT)).as("skipped").isEmpty();
            assertThat(maintenance.claimStarts("replica-a")).as("nothing to announce").isEmpty();

            assertThat(maintenance.skip("cdc-weekly", Optional.of(LocalDate.parse("2026-02-01")), "U0ALICE001"))
                    .isEqualTo(Instant.parse("2026-02-01T01:00:00Z"));
            assertThatThrownBy(() -> maintenance.skip("cdc-weekly", Optional.of(LocalDate.parse("2026-02-03")), "U0ALICE001"))
                    .isInstanceOf(Maintenance.Refused.class).hasMessageContaining("has no occurrence on 2026-02-03");
            assertThatThrownBy(() -> maintenance.skip("cdc-weeky", Optional.empty(), "U0ALICE001"))
                    .isInstanceOf(Maintenance.Refused.class).hasMessageContaining("Windows: cdc-weekly, cdc-db");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRunningOccurrenceCannotBeSkippedOnlyEnded(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = maintenance(db);
            assertThat(maintenance.active()).isNotEmpty();

            assertThatThrownBy(() -> maintenance.skip("cdc-weekly", Optional.of(LocalDate.parse("2026-01-11")), "U0ALICE001"))
                    .isInstanceOf(Maintenance.Refused.class).hasMessageContaining("has already started");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void eachStartIsClaimedByOneReplicaAndEachEndIsDoneUntilMarkedFinished(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance a = maintenance(db);
            Maintenance b = maintenance(db);

            List<MaintenanceWindow> startedA = a.claimStarts("replica-a");
            List<MaintenanceWindow> startedB = b.claimStarts("replica-b");
            assertThat(startedA).extracting(w -> w.windowName().orElseThrow()).containsExactly("cdc-weekly");
            assertThat(startedB).isEmpty();
            assertThat(a.unfinishedEnds()).isEmpty();

            at("2026-01-11T05:00:00Z");
            MaintenanceWindow over = b.unfinishedEnds().getFirst();
            assertThat(over.windowName()).contains("cdc-weekly");
            assertThat(a.unfinishedEnds()).as("until its end work is done, whoever holds the lease does it").hasSize(1);
            assertThat(b.finished(over, "replica-b")).isTrue();
            assertThat(a.finished(over, "replica-a")).isFalse();
            assertThat(a.unfinishedEnds()).isEmpty();
            assertThat(a.claimStarts("replica-a")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void adHocMaintenanceLastsAMinuteToSevenDaysAndEndsAfterItStarts(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Maintenance maintenance = maintenance(db);
            Instant now = clock.instant();
            assertThatThrownBy(() -> maintenance.start("web", now, now.minus(Duration.ofHours(1)), "x", "U1"))
                    .hasMessage("The window would end before it starts.");
            assertThatThrownBy(() -> maintenance.start("web", now, now.plus(Duration.ofDays(8)), "x", "U1"))
                    .hasMessage("A maintenance window lasts at most 7 days.");
            MaintenanceWindow later = maintenance.start("web", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), "x", "U1");
            assertThat(maintenance.holding("web", CDC_ALERT)).as("not yet").isEmpty();
            assertThat(maintenance.overview().upcoming()).anySatisfy(u -> assertThat(u.title()).isEqualTo(later.title()));
            clock.advance(Duration.ofHours(1));
            assertThat(maintenance.holding("web", CDC_ALERT)).contains(later);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aReloadAddsAWindowAtOnceAndARemovedOnesRunningOccurrenceEndsAndIsToldOnce(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            OpsbotConfig withoutWeekly = ConfigParser.parse("""
                    teams:
                      cdc: {channel: "#cdc"}
                    routes: [{team: cdc}]
                    """, "opsbot.yaml").require();
            java.util.concurrent.atomic.AtomicReference<MaintenanceConfig> live =
                    new java.util.concurrent.atomic.AtomicReference<>(withoutWeekly.maintenance());
            Maintenance maintenance = new Maintenance(db, live::get, new AuditLog(db, clock), clock);
            assertThat(maintenance.holding("cdc", CDC_ALERT)).isEmpty();
            assertThat(maintenance.overview().upcoming()).isEmpty();

            live.set(CONFIG.maintenance());

            assertThat(maintenance.holding("cdc", CDC_ALERT)).as("added, and its time has come")
                    .hasValueSatisfying(w -> assertThat(w.windowName()).contains("cdc-weekly"));
            assertThat(maintenance.claimStarts("a")).extracting(MaintenanceWindow::title).containsExactly("cdc-weekly");
            assertThat(maintenance.endRemoved()).as("still configured").isEmpty();

            live.set(withoutWeekly.maintenance());
            clock.advance(Duration.ofMinutes(10));

            assertThat(maintenance.endRemoved()).singleElement().satisfies(w -> {
                assertThat(w.windowName()).contains("cdc-weekly");
                assertThat(w.endsAt()).isEqualTo(clock.instant());
                assertThat(w.endedBy()).contains(Maintenance.REMOVED);
            });
            assertThat(maintenance.endRemoved()).as("ended once").isEmpty();
            assertThat(maintenance.holding("cdc", CDC_ALERT)).isEmpty();
            assertThat(maintenance.unfinishedEnds()).as("its end work (announcement, release) follows")
                    .extracting(MaintenanceWindow::title).containsExactly("cdc-weekly");
        }
    }
}
