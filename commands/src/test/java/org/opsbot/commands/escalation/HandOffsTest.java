package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.HandOff;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which hand-offs are due when, as pure schedule logic, and that each is recorded once. */
class HandOffsTest {
    private static final String YAML = """
            schedules:
              berlin:
                time-zone: Europe/Berlin
                rotation: weekly
                start: 2026-01-05
                hand-off: "Mon 09:00"
                members: [U0ALICE001, U0BOB00001]
              daily:
                time-zone: UTC
                rotation: daily
                start: 2026-01-05
                hand-off: "09:00"
                hand-off-notice: 3h
                members: [U0ALICE001, U0BOB00001]
            """;
    private static final Map<String, Schedule> SCHEDULES = ConfigParser.parse(YAML, "opsbot.yaml").require().schedules();
    private static final Schedule BERLIN = SCHEDULES.get("berlin");
    private static final Schedule DAILY = SCHEDULES.get("daily");

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private static List<String> due(Schedule schedule, List<OnCallOverride> overrides, String at) {
        return HandOffs.due(schedule, overrides, Instant.parse(at)).stream()
                .map(h -> h.kind() + " " + h.user() + " " + h.from() + " from " + h.previous().orElse("nobody"))
                .toList();
    }

    @Test
    void theNoticeIsDueAnHourBeforeAShiftThatStartsOnTheWallClockAcrossADaylightSavingChange() {
        assertThat(BERLIN.handOffNotice()).isEqualTo(Duration.ofHours(1));
        // Berlin moves to summer time on Sunday 29 March 2026: Monday's 09:00 hand-off is 07:00 UTC, not 08:00.
        // (Bob's running shift is due too: its hand-offs are recorded once and then left alone.)
        assertThat(due(BERLIN, List.of(), "2026-03-30T05:59:59Z")).containsExactly(
                "NOTICE U0BOB00001 2026-03-23T08:00:00Z from U0ALICE001",
                "ANNOUNCE U0BOB00001 2026-03-23T08:00:00Z from U0ALICE001");
        assertThat(due(BERLIN, List.of(), "2026-03-30T06:00:00Z")).containsExactly(
                "NOTICE U0BOB00001 2026-03-23T08:00:00Z from U0ALICE001",
                "ANNOUNCE U0BOB00001 2026-03-23T08:00:00Z from U0ALICE001",
                "NOTICE U0ALICE001 2026-03-30T07:00:00Z from U0BOB00001");
        assertThat(due(BERLIN, List.of(), "2026-03-30T07:00:00Z")).containsExactly(
                "NOTICE U0ALICE001 2026-03-30T07:00:00Z from U0BOB00001",
                "ANNOUNCE U0ALICE001 2026-03-30T07:00:00Z from U0BOB00001");
    }

    @Test
    void aScheduleSaysHowLongBeforeItsShiftsTheNoticeGoesOut() {
        assertThat(DAILY.handOffNotice()).isEqualTo(Duration.ofHours(3));
        assertThat(due(DAILY, List.of(), "2026-01-06T05:59:00Z")).doesNotContain(
                "NOTICE U0BOB00001 2026-01-06T09:00:00Z from U0ALICE001");
        assertThat(due(DAILY, List.of(), "2026-01-06T06:00:00Z")).contains(
                "NOTICE U0BOB00001 2026-01-06T09:00:00Z from U0ALICE001");
        assertThat(ConfigParser.parse(YAML.replace("3h", "8d"), "opsbot.yaml").problems())
                .anySatisfy(p -> assertThat(p.toString()).contains("hand-off-notice is longer than a week"));
    }

    @Test
    void anOverrideIsAHandOffAndItsEndIsAnother() {
        OnCallOverride carol = new OnCallOverride(7, "daily", "U0CAROL001", Instant.parse("2026-01-06T12:00:00Z"),
                Instant.parse("2026-01-06T16:00:00Z"), "U0LEAD0001", Instant.parse("2026-01-06T08:00:00Z"));
        List<OnCallOverride> overrides = List.of(carol);

        assertThat(due(DAILY, overrides, "2026-01-06T12:00:00Z")).contains(
                "ANNOUNCE U0CAROL001 2026-01-06T12:00:00Z from U0BOB00001");
        // Bob takes the rest of his shift back at 16:00; he is told three hours before.
        assertThat(due(DAILY, overrides, "2026-01-06T13:00:00Z")).containsExactly(
                "NOTICE U0CAROL001 2026-01-06T12:00:00Z from U0BOB00001",
                "ANNOUNCE U0CAROL001 2026-01-06T12:00:00Z from U0BOB00001",
                "NOTICE U0BOB00001 2026-01-06T16:00:00Z from U0CAROL001");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFirstRoundCutShortByAKillLeavesNothingThatTheNextRoundWouldAnnounce(Dialect dialect) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-06T10:00:00Z"));
        try (Database db = TestDatabases.open(dialect)) {
            // The process dies as the first round records the running shift's announcement,
            // after its notice: the next round must still see the schedule for the first time.
            db.write(h -> {
                if (db.dialect() == Dialect.SQLITE) {
                    h.execute("CREATE TRIGGER killed BEFORE INSERT ON on_call_hand_off WHEN NEW.kind = 'announce'"
                            + " BEGIN SELECT RAISE(ABORT, 'the process was killed here'); END");
                } else {
                    h.execute("CREATE FUNCTION killed() RETURNS trigger LANGUAGE plpgsql AS "
                            + "'BEGIN RAISE EXCEPTION ''the process was killed here''; END'");
                    h.execute("CREATE TRIGGER killed BEFORE INSERT ON on_call_hand_off FOR EACH ROW"
                            + " WHEN (NEW.kind = 'announce') EXECUTE FUNCTION killed()");
                }
                return null;
            });
            // In the engine's own notice: a shift of the daily schedule starts within its 3 h.
            clock.advance(Duration.ofHours(20));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HandOffs(db, clock).recordDue(List.of(DAILY), List.of()))
                    .hasMessageContaining("killed here");
            db.write(h -> h.execute(db.dialect() == Dialect.SQLITE ? "DROP TRIGGER killed" : "DROP TRIGGER killed ON on_call_hand_off"));

            assertThat(new HandOffs(db, clock).recordDue(List.of(DAILY), List.of()))
                    .as("the running shift, which nobody saw begin, is not announced late").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void eachHandOffIsRecordedOnceAcrossReplicasAndOneMissedIsSentOnlyWhileItsShiftRuns(Dialect dialect) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-06T10:00:00Z"));
        try (Database db = TestDatabases.open(dialect)) {
            HandOffs one = new HandOffs(db, clock);
            HandOffs other = new HandOffs(db, clock);

            // First sight: the running shift is recorded, not sent: nobody saw it begin.
            assertThat(one.recordDue(List.of(DAILY), List.of())).isEmpty();
            assertThat(one.recorded("daily", clock.instant())).extracting(HandOff::user).containsExactly("U0BOB00001");

            clock.advance(Duration.ofHours(20));
            List<HandOff> notice = one.recordDue(List.of(DAILY), List.of());
            assertThat(notice).extracting(h -> h.kind() + " " + h.user()).containsExactly("NOTICE U0ALICE001");
            // Another replica (or this one after a restart) sees the same pending row until it is sent ...
            assertThat(other.recordDue(List.of(DAILY), List.of())).isEqualTo(notice);
            one.sent(notice.getFirst());
            // ... and nothing once it is.
            assertThat(other.recordDue(List.of(DAILY), List.of())).isEmpty();

            // Down from before 09:00 until 10:00: the hand-off is announced late, its shift still runs.
            clock.advance(Duration.ofHours(4));
            List<HandOff> late = other.recordDue(List.of(DAILY), List.of());
            assertThat(late).extracting(h -> h.kind() + " " + h.user() + " " + h.previous())
                    .containsExactly("ANNOUNCE U0ALICE001 " + Optional.of("U0BOB00001"));
            late.forEach(other::sent);

            // Down for two whole shifts: those are skipped, only the running one is announced.
            clock.advance(Duration.ofDays(3));
            assertThat(one.recordDue(List.of(DAILY), List.of())).extracting(h -> h.kind() + " " + h.from())
                    .containsExactly("NOTICE 2026-01-10T09:00:00Z", "ANNOUNCE 2026-01-10T09:00:00Z");
        }
    }
}
