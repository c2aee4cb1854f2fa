package org.opsbot.commands.heartbeat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.LiveConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;
import org.opsbot.commands.yaml.Problem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When a heartbeat counts as missed, and that its alert fires once and resolves once. */
class HeartbeatsTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final String YAML = """
            severities:
              - {name: P1, description: "now", ack-within: 5m}
              - {name: P2, description: "today", ack-within: 1h}
            teams:
              cdc:
                channel: "#cdc-alerts"
            routes:
              - {team: cdc}
            heartbeats:
              - {name: cdc-backup, team: cdc, every: 1h, grace: 10m, severity: P2}
            """;
    private static final OpsbotConfig CONFIG = ConfigParser.parse(YAML, "opsbot.yaml").require();

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aHeartbeatThatNeverCheckedInIsMissedEveryPlusGraceAfterOpsbotFirstKnewIt(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            Heartbeats heartbeats = new Heartbeats(db, CONFIG, clock);

            assertThat(heartbeats.due()).as("first seen: remembered, not missed").isEmpty();
            clock.advance(Duration.ofMinutes(69));
            assertThat(heartbeats.due()).isEmpty();
            clock.advance(Duration.ofMinutes(1));

            assertThat(heartbeats.due()).singleElement().satisfies(c -> {
                assertThat(c.alerting()).isTrue();
                assertThat(c.notification().alerts().getFirst().annotations().get("summary"))
                        .startsWith("cdc-backup has never checked in");
            });
            assertThat(heartbeats.statuses()).singleElement().satisfies(s -> assertThat(s.overdue()).isTrue());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aMissedBeatFiresOnceAndTheNextBeatResolvesIt(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            Heartbeats heartbeats = new Heartbeats(db, CONFIG, clock);
            assertThat(heartbeats.beat("cdc-backup")).hasValue(Optional.empty());
            clock.advance(Duration.ofMinutes(71));

            Heartbeats.Change missed = heartbeats.due().getFirst();
            assertThat(missed.notification().alerts().getFirst().annotations().get("summary"))
                    .isEqualTo("cdc-backup has not checked in since 2026-12-01 10:00 UTC; it is expected every 1h (+10m grace)");
            assertThat(heartbeats.told(missed)).isTrue();
            assertThat(heartbeats.due()).as("told once, not again on the next round").isEmpty();
            assertThat(heartbeats.told(missed)).as("a second replica's record loses").isFalse();

            Heartbeats.Change resolved = heartbeats.beat("cdc-backup").orElseThrow().orElseThrow();
            assertThat(resolved.alerting()).isFalse();
            assertThat(resolved.notification().alerts().getFirst().firing()).isFalse();
            assertThat(heartbeats.told(resolved)).isTrue();
            assertThat(heartbeats.due()).isEmpty();
            assertThat(heartbeats.statuses()).singleElement().satisfies(s -> {
                assertThat(s.lastBeat()).hasValue(START.plus(Duration.ofMinutes(71)));
                assertThat(s.overdue()).isFalse();
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aResolutionCutOffAfterTheBeatIsSentByTheNextRound(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            Heartbeats heartbeats = new Heartbeats(db, CONFIG, clock);
            heartbeats.due();
            clock.advance(Duration.ofHours(2));
            heartbeats.told(heartbeats.due().getFirst());

            heartbeats.beat("cdc-backup"); // the process dies before telling the intake

            assertThat(heartbeats.due()).singleElement().satisfies(c -> assertThat(c.alerting()).isFalse());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aMissedHeartbeatOpensAnAlertGroupForItsTeamAndItsBeatResolvesIt(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            Heartbeats heartbeats = new Heartbeats(db, CONFIG, clock);
            Alerts alerts = new Alerts(db, CONFIG, clock);
            heartbeats.due();
            clock.advance(Duration.ofHours(2));

            Heartbeats.Change missed = heartbeats.due().getFirst();
            List<GroupChange> opened = alerts.receive(missed.notification()).changes();
            assertThat(opened).singleElement().satisfies(c -> {
                assertThat(c.opened()).isTrue();
                assertThat(c.group().route().team()).isEqualTo("cdc");
                assertThat(c.group().severity()).isEqualTo("P2");
                assertThat(c.group().route().source()).isEqualTo("OPSBOT");
            });
            assertThat(alerts.receive(heartbeats.due().getFirst().notification()).repeats())
                    .as("sent again after a crash: a repeat").isEqualTo(1);
            heartbeats.told(missed);

            List<GroupChange> resolved = alerts.receive(heartbeats.beat("cdc-backup").orElseThrow().orElseThrow().notification()).changes();
            assertThat(resolved).singleElement().satisfies(c ->
                    assertThat(c.group().state()).isEqualTo(StoredAlertGroup.State.RESOLVED));
        }
    }

    @Test
    void anUnknownNameIsNoHeartbeat() {
        try (Database db = TestDatabases.open(Dialect.SQLITE)) {
            assertThat(new Heartbeats(db, CONFIG, new MutableClock(START)).beat("nope")).isEmpty();
        }
    }

    @Test
    void brokenHeartbeatsAreReportedWithTheirLines() {
        String yaml = YAML.replace("  - {name: cdc-backup, team: cdc, every: 1h, grace: 10m, severity: P2}\n", """
                  - {name: cdc-backup, team: cdc, every: 1h}
                  - {name: cdc-backup, team: cdc, every: 1h}
                  - {name: Bad Name, team: cdx, every: 1h}
                  - {name: fast, team: cdc, every: 5s, severity: P9}
                  - {name: no-every, team: cdc, grace: soon}
                """);

        List<Problem> problems = ConfigParser.parse(yaml, "opsbot.yaml").problems();

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(11, "a second heartbeat is named 'cdc-backup' (the first is on line 10)"),
                org.assertj.core.groups.Tuple.tuple(12, "heartbeats[2].name 'Bad Name' is not usable in POST /heartbeats/<name>"),
                org.assertj.core.groups.Tuple.tuple(12, "heartbeats[2].team names team 'cdx', which is not defined under teams: (defined: cdc)"),
                org.assertj.core.groups.Tuple.tuple(13, "heartbeats[3].every is shorter than 10s"),
                org.assertj.core.groups.Tuple.tuple(13, "heartbeats[3].severity names severity 'P9', which is not defined under severities: (defined: P1, P2)"),
                org.assertj.core.groups.Tuple.tuple(14, "heartbeats[4] needs 'every'"),
                org.assertj.core.groups.Tuple.tuple(14, problems.get(6).message()));
        assertThat(problems.get(6).message()).contains("grace");
    }

    // A reload puts another configuration in force: heartbeats follow it at the next call.

    private static final String LINE = "  - {name: cdc-backup, team: cdc, every: 1h, grace: 10m, severity: P2}\n";

    private static OpsbotConfig with(String heartbeats) {
        return ConfigParser.parse(YAML.replace("    channel: \"#cdc-alerts\"\n",
                        "    channel: \"#cdc-alerts\"\n  search:\n    channel: \"#search-alerts\"\n")
                .replace(LINE, heartbeats), "opsbot.yaml").require();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aHeartbeatAddedByAReloadCountsFromThenRatherThanFiringAtOnce(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            LiveConfig live = new LiveConfig(with(""));
            Heartbeats heartbeats = new Heartbeats(db, live, clock);
            assertThat(heartbeats.due()).isEmpty();
            clock.advance(Duration.ofHours(5));

            live.replace(with(LINE));

            assertThat(heartbeats.statuses()).singleElement().satisfies(s -> assertThat(s.overdue()).isFalse());
            assertThat(heartbeats.due()).as("new: its grace starts now").isEmpty();
            clock.advance(Duration.ofMinutes(69));
            assertThat(heartbeats.due()).isEmpty();
            clock.advance(Duration.ofMinutes(1));
            assertThat(heartbeats.due()).singleElement().satisfies(c -> assertThat(c.alerting()).isTrue());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRemovedHeartbeatsAlertResolvesAndItIsForgotten(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            LiveConfig live = new LiveConfig(with(LINE));
            Heartbeats heartbeats = new Heartbeats(db, live, clock);
            Alerts alerts = new Alerts(db, live, clock);
            heartbeats.beat("cdc-backup");
            clock.advance(Duration.ofHours(2));
            Heartbeats.Change missed = heartbeats.due().getFirst();
            alerts.receive(missed.notification());
            heartbeats.told(missed);

            live.replace(with(""));

            Heartbeats.Change ended = heartbeats.due().getFirst();
            assertThat(ended.alerting()).isFalse();
            assertThat(ended.notification().alerts().getFirst().annotations().get("summary"))
                    .isEqualTo("cdc-backup was removed from the configuration and is no longer watched");
            assertThat(alerts.receive(ended.notification()).changes()).singleElement().satisfies(c ->
                    assertThat(c.group().state()).isEqualTo(StoredAlertGroup.State.RESOLVED));
            assertThat(heartbeats.told(ended)).isTrue();
            assertThat(heartbeats.due()).isEmpty();
            assertThat(heartbeats.beat("cdc-backup")).as("no longer a heartbeat").isEmpty();

            clock.advance(Duration.ofDays(3));
            live.replace(with(LINE));
            assertThat(heartbeats.due()).as("added again: counted afresh, not from its old check-in").isEmpty();
            assertThat(heartbeats.statuses()).singleElement().satisfies(s -> assertThat(s.lastBeat()).isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aMissedHeartbeatMovedToAnotherTeamResolvesForTheOldAndFiresForTheNew(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            LiveConfig live = new LiveConfig(with(LINE));
            Heartbeats heartbeats = new Heartbeats(db, live, clock);
            Alerts alerts = new Alerts(db, live, clock);
            heartbeats.due();
            clock.advance(Duration.ofHours(2));
            Heartbeats.Change missed = heartbeats.due().getFirst();
            long cdcGroup = alerts.receive(missed.notification()).changes().getFirst().group().id();
            heartbeats.told(missed);

            live.replace(with(LINE.replace("team: cdc", "team: search")));

            Heartbeats.Change moved = heartbeats.due().getFirst();
            assertThat(alerts.receive(moved.notification()).changes()).singleElement().satisfies(c -> {
                assertThat(c.group().id()).isEqualTo(cdcGroup);
                assertThat(c.group().state()).isEqualTo(StoredAlertGroup.State.RESOLVED);
            });
            heartbeats.told(moved);
            Heartbeats.Change again = heartbeats.due().getFirst();
            assertThat(again.alerting()).isTrue();
            assertThat(alerts.receive(again.notification()).changes()).singleElement().satisfies(c -> {
                assertThat(c.opened()).isTrue();
                assertThat(c.group().route().team()).isEqualTo("search");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aLongerEveryEndsAMissWithoutPretendingItCheckedIn(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            MutableClock clock = new MutableClock(START);
            LiveConfig live = new LiveConfig(with(LINE));
            Heartbeats heartbeats = new Heartbeats(db, live, clock);
            heartbeats.due();
            clock.advance(Duration.ofHours(2));
            heartbeats.told(heartbeats.due().getFirst());

            live.replace(with(LINE.replace("every: 1h", "every: 24h")));

            assertThat(heartbeats.due()).singleElement().satisfies(c -> {
                assertThat(c.alerting()).isFalse();
                assertThat(c.notification().alerts().getFirst().annotations().get("summary"))
                        .isEqualTo("cdc-backup is not overdue under its new settings; it is expected every 1d (+10m grace)");
            });
        }
    }
}
