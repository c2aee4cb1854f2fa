package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.HandOff;
import org.opsbot.commands.model.Page;
import org.opsbot.commands.stats.Stats;
import org.opsbot.commands.stats.StatsPeriod;
import org.opsbot.commands.stats.TeamStats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats over a database filled with known groups, acks and pages, each figure worked out by hand
 * in the comments (nearest-rank percentiles: the value at rank ceil(p × n)).
 */
class StatsStoreTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles:
              responders: [U0ALICE001]
            schedules:
              primary:
                time-zone: UTC
                rotation: weekly
                start: 2026-11-23
                hand-off: "Mon 09:00"
                members: [U0ALICE001, U0BOB00001]
            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: responders
                escalation:
                  tiers:
                    - {name: On-call, after: 0m, notify: ["schedule:primary"]}
                    - {name: Lead, after: 15m, notify: [U0LEAD0001]}
              other:
                channel: "#other"
            routes:
              - {team: cdc}
            """, "opsbot.yaml").require();
    // Monday 23 November to Sunday 29 November 2026, in UTC.
    private static final StatsPeriod WEEK = new StatsPeriod(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 29), ZoneOffset.UTC);
    private static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void timesToAcknowledgeAndResolveAreMediansAndNinetiethPercentilesPerSeverity(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            // P1 acked after 2, 4 and 10 minutes: median rank ceil(1.5) = 2 → 4 m; p90 rank ceil(2.7) = 3 → 10 m.
            // Resolved after 20, 40 and 50 minutes: median 40 m, p90 50 m; within 30 m: one.
            group(db, 1, "cdc", "ReplicationLag", "P1", at(1, 10, 0), Optional.of(min(2)), Optional.of(min(20)));
            group(db, 2, "cdc", "ReplicationLag", "P1", at(2, 10, 0), Optional.of(min(4)), Optional.of(min(40)));
            group(db, 3, "cdc", "ConnectorDown", "P1", at(3, 3, 0), Optional.of(min(10)), Optional.of(min(50)));
            // Acknowledged by its walk after 3 m, un-acknowledged, acked again at 30 m: the first ack counts.
            group(db, 4, "cdc", "DiskFull", "P2", at(4, 12, 0), Optional.of(min(30)), Optional.empty());
            event(db, 4, at(4, 12, 3), "ACKNOWLEDGED");
            // Another team's group and one before the period are not counted.
            group(db, 5, "other", "DiskFull", "P1", at(4, 12, 0), Optional.of(min(1)), Optional.of(min(1)));
            group(db, 6, "cdc", "DiskFull", "P1", MONDAY.minusSeconds(60), Optional.of(min(1)), Optional.of(min(1)));

            TeamStats stats = stats(db).of(Optional.of("cdc"), WEEK);

            assertThat(stats.groupsOpened()).isEqualTo(4);
            TeamStats.SeverityTimes p1 = stats.severities().getFirst();
            assertThat(p1.severity()).isEqualTo("P1");
            assertThat(p1.groups()).isEqualTo(3);
            assertThat(p1.ack().median()).contains(min(4));
            assertThat(p1.ack().p90()).contains(min(10));
            assertThat(p1.ackedInTime()).as("P1's target is 5 m").isEqualTo(2);
            assertThat(p1.resolve().median()).contains(min(40));
            assertThat(p1.resolve().p90()).contains(min(50));
            assertThat(p1.resolvedInTime()).as("P1 resolves within 30 m").isEqualTo(1);
            TeamStats.SeverityTimes p2 = stats.severities().get(1);
            assertThat(p2.ack().median()).contains(min(3));
            assertThat(p2.resolve().count()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTeamWithItsOwnLevelsIsMeasuredAgainstItsOwnTargets(Dialect dialect) {
        OpsbotConfig own = ConfigParser.parse("""
                teams:
                  sync:
                    channel: "#sync"
                    severities:
                      - {name: S1, description: Data loss, ack-within: 15m, resolve-within: 2h}
                      - {name: S2, description: Degraded, ack-within: 1h}
                routes:
                  - {team: sync}
                """, "opsbot.yaml").require();
        try (Database db = TestDatabases.open(dialect)) {
            // Acked after 10 and 20 minutes: within S1's 15 m once (P1's 5 m would count none).
            group(db, 1, "sync", "Lag", "S1", at(1, 10, 0), Optional.of(min(10)), Optional.empty());
            group(db, 2, "sync", "Lag", "S1", at(2, 10, 0), Optional.of(min(20)), Optional.empty());

            TeamStats stats = new Stats(new StatsStore(db), () -> own, from -> List.of()).of(Optional.of("sync"), WEEK);

            TeamStats.SeverityTimes s1 = stats.severities().getFirst();
            assertThat(s1.severity()).isEqualTo("S1");
            assertThat(s1.ackWithin()).contains(min(15));
            assertThat(s1.ackedInTime()).isEqualTo(1);
            assertThat(stats.ackByDay().getFirst().target()).as("the chart's line is the team's top level").contains(min(15));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void pagesAreCountedByTierPersonAndBusinessHours(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            group(db, 1, "cdc", "ReplicationLag", "P1", at(1, 10, 0), Optional.empty(), Optional.empty());
            group(db, 2, "cdc", "ConnectorDown", "P1", at(6, 3, 0), Optional.empty(), Optional.empty());
            db.write(h -> {
                // Tuesday 10:00 (in hours) tier 1 → Alice; Sunday 03:00 (out of hours) tier 1 → Alice,
                // then tier 2 → the lead; Bob was in Do Not Disturb (not a page sent).
                PageRows.insert(h, List.of(
                        page(1, 0, "On-call", "U0ALICE001", at(1, 10, 0), Page.Outcome.SENT),
                        page(2, 0, "On-call", "U0ALICE001", at(6, 3, 0), Page.Outcome.SENT),
                        page(2, 0, "On-call", "U0BOB00001", at(6, 3, 0), Page.Outcome.DO_NOT_DISTURB),
                        page(2, 1, "Lead", "U0LEAD0001", at(6, 3, 15), Page.Outcome.SENT)));
                return null;
            });

            TeamStats stats = stats(db).of(Optional.of("cdc"), WEEK);

            assertThat(stats.pagesSent()).isEqualTo(3);
            assertThat(stats.pagesNotReached()).isEqualTo(1);
            assertThat(stats.pagesByTier()).containsEntry("On-call", 2).containsEntry("Lead", 1);
            assertThat(stats.pagesByPerson()).containsEntry("U0ALICE001", 2).containsEntry("U0LEAD0001", 1)
                    .doesNotContainKey("U0BOB00001");
            assertThat(stats.pagesInHours()).isEqualTo(1);
            assertThat(stats.pagesOutOfHours()).isEqualTo(2);
            assertThat(stats.escalatedPastFirstTier()).isEqualTo(1);
            assertThat(stats.pagesByHour().get(3)).isEqualTo(2);
            assertThat(stats.pagesByHour().get(10)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void noisiestAlertsCountGroupsResolvedUnackedAndMarkedNotActionable(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            group(db, 1, "cdc", "DiskFull", "P3", at(1, 1, 0), Optional.empty(), Optional.of(min(5)));
            group(db, 2, "cdc", "DiskFull", "P3", at(2, 1, 0), Optional.empty(), Optional.of(min(5)));
            group(db, 3, "cdc", "DiskFull", "P3", at(3, 1, 0), Optional.of(min(1)), Optional.of(min(5)));
            group(db, 4, "cdc", "ReplicationLag", "P1", at(3, 1, 0), Optional.of(min(1)), Optional.empty());
            StatsStore store = new StatsStore(db);
            store.markActionable(1, true, "U0ALICE001", at(1, 2, 0));
            // The last answer counts.
            store.markActionable(1, false, "U0ALICE001", at(1, 2, 1));
            store.markActionable(2, false, "U0ALICE001", at(2, 2, 0));

            TeamStats stats = stats(db).of(Optional.of("cdc"), WEEK);

            assertThat(stats.noisiest()).containsExactly(
                    new TeamStats.NoisyAlert("DiskFull", 3, 2, 2),
                    new TeamStats.NoisyAlert("ReplicationLag", 1, 0, 0));
            assertThat(store.actionable(1)).contains(false);
            assertThat(store.actionable(3)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onCallHoursFollowTheScheduleAndItsOverrides(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            // Bob until Monday 09:00 (the week before), then Alice for the rest of the week:
            // 9 h and 6 d 15 h = 159 h.
            TeamStats stats = stats(db).of(Optional.of("cdc"), WEEK);

            assertThat(stats.onCallHours()).containsEntry("U0BOB00001", 9.0).containsEntry("U0ALICE001", 159.0);
            assertThat(stats.onCallFromSchedule()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onCallHoursCountWhatTheRecordedHandOffsSayAndTheScheduleOnlyBeforeThem(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            HandOffStore handOffs = new HandOffStore(db, new MutableClock(MONDAY));
            // Carol took Wednesday 09:00 onwards, whatever the schedule says now; before that the schedule counts.
            handOffs.record("primary", List.of(
                    new HandOff("primary", at(2, 9, 0), HandOff.Kind.ANNOUNCE, "U0CAROL001", at(7, 9, 0),
                            Optional.of("U0ALICE001"), Optional.empty()),
                    new HandOff("primary", at(2, 9, 0), HandOff.Kind.NOTICE, "U0CAROL001", at(7, 9, 0),
                            Optional.of("U0ALICE001"), Optional.empty())), h -> true);
            Stats stats = new Stats(new StatsStore(db), () -> CONFIG, from -> List.of(), handOffs::announcedBefore);

            TeamStats week = stats.of(Optional.of("cdc"), WEEK);

            assertThat(week.onCallHours()).containsEntry("U0BOB00001", 9.0).containsEntry("U0ALICE001", 48.0)
                    .containsEntry("U0CAROL001", 111.0);
            assertThat(week.onCallFromSchedule()).isFalse();
        }
    }

    private static Stats stats(Database db) {
        return new Stats(new StatsStore(db), () -> CONFIG, from -> List.of());
    }

    private static Duration min(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    private static Instant at(int day, int hour, int minute) {
        return MONDAY.plus(Duration.ofDays(day).plusHours(hour).plusMinutes(minute));
    }

    private static Page page(long group, int tier, String tierName, String target, Instant at, Page.Outcome outcome) {
        return new Page("alert-group:" + group, "cdc", "P1", tier, tierName, target, at, outcome, "");
    }

    private static void group(Database db, long id, String team, String title, String severity, Instant opened,
                              Optional<Duration> ackedAfter, Optional<Duration> resolvedAfter) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO alert_group (id, group_key, source, team, channel, title, severity, group_labels, state,
                                                 acked_by, acked_at, resolved_by, resolved_at, opened_at, updated_at)
                        VALUES (:id, :key, 'ALERTMANAGER', :team, '#c', :title, :severity, '{}', :state,
                                :ackedBy, :ackedAt, :resolvedBy, :resolvedAt, :opened, :opened)""")
                .bind("id", id)
                .bind("key", "k" + id)
                .bind("team", team)
                .bind("title", title)
                .bind("severity", severity)
                .bind("state", resolvedAfter.isPresent() ? "RESOLVED" : ackedAfter.isPresent() ? "ACKNOWLEDGED" : "FIRING")
                .bind("ackedBy", ackedAfter.map(a -> "U0ALICE001").orElse(null))
                .bind("ackedAt", ackedAfter.map(a -> opened.plus(a).toEpochMilli()).orElse(null))
                .bind("resolvedBy", resolvedAfter.map(a -> "U0ALICE001").orElse(null))
                .bind("resolvedAt", resolvedAfter.map(a -> opened.plus(a).toEpochMilli()).orElse(null))
                .bind("opened", opened.toEpochMilli())
                .execute());
    }

    private static void event(Database db, long group, Instant at, String kind) {
        db.write(h -> h.createUpdate("INSERT INTO escalation_event (subject, at, kind, tier, detail) VALUES (:s, :at, :kind, NULL, 'x')")
                .bind("s", "alert-group:" + group).bind("at", at.toEpochMilli()).bind("kind", kind).execute());
    }
}
