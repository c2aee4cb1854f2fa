package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.OnCallOverride;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RotationTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String CAROL = "U0CAROL001";

    private static Schedule weekly(LocalDate start, List<String> members) {
        return new Schedule("cdc-primary", BERLIN, Schedule.Rotation.WEEKLY, start,
                new Schedule.HandOff(Optional.of(DayOfWeek.MONDAY), LocalTime.of(9, 0)), members);
    }

    private static String who(Schedule schedule, String instant) {
        return who(schedule, List.of(), instant);
    }

    private static String who(Schedule schedule, List<OnCallOverride> overrides, String instant) {
        return Rotation.at(schedule, overrides, Instant.parse(instant)).map(Shift::user).orElse("nobody");
    }

    private static OnCallOverride override(long id, String user, String from, String until, String createdAt) {
        return new OnCallOverride(id, "cdc-primary", user, Instant.parse(from), Instant.parse(until), ALICE,
                Instant.parse(createdAt));
    }

    @Test
    void theWeeklyRotationHandsOffAtNineOnMondayBerlinTime() {
        Schedule s = weekly(LocalDate.parse("2026-01-05"), List.of(ALICE, BOB));

        assertThat(who(s, "2026-01-05T08:00:00Z")).as("09:00 CET on the start date").isEqualTo(ALICE);
        assertThat(who(s, "2026-01-11T23:00:00Z")).isEqualTo(ALICE);
        assertThat(who(s, "2026-01-12T07:59:59Z")).as("a second before the hand-off").isEqualTo(ALICE);
        assertThat(who(s, "2026-01-12T08:00:00Z")).as("at the hand-off").isEqualTo(BOB);
        assertThat(who(s, "2026-01-19T08:00:00Z")).as("the rotation wraps").isEqualTo(ALICE);
    }

    @Test
    void beforeTheFirstHandOffTheRotationIsTakenToHaveBeenRunningAlready() {
        Schedule s = weekly(LocalDate.parse("2026-01-05"), List.of(ALICE, BOB, CAROL));

        assertThat(who(s, "2026-01-05T07:59:59Z")).isEqualTo(CAROL);
        assertThat(who(s, "2025-12-29T07:59:59Z")).isEqualTo(BOB);
    }

    @Test
    void theHandOffKeepsItsWallClockTimeAcrossTheDaylightSavingChange() {
        // Berlin moves to CEST on Sunday 2026-03-29: 09:00 on Monday 30 March is 07:00 UTC.
        Schedule s = weekly(LocalDate.parse("2026-01-05"), List.of(ALICE, BOB));

        assertThat(who(s, "2026-03-30T06:59:59Z")).isEqualTo(BOB);
        assertThat(who(s, "2026-03-30T07:00:00Z")).isEqualTo(ALICE);
        Shift shift = Rotation.at(s, List.of(), Instant.parse("2026-03-25T12:00:00Z")).orElseThrow();
        assertThat(Duration.between(shift.from(), shift.until())).as("the week with the change is an hour short")
                .isEqualTo(Duration.ofDays(7).minusHours(1));
    }

    @Test
    void aStartDateOffTheHandOffDayFirstHandsOffOnTheNextSuchDay() {
        Schedule s = weekly(LocalDate.parse("2026-01-01"), List.of(ALICE, BOB)); // a Thursday

        assertThat(Rotation.handOff(s, 0)).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(who(s, "2026-01-05T08:00:00Z")).isEqualTo(ALICE);
    }

    @Test
    void aDailyHandOffInsideTheSpringForwardGapHappensWhenTheClockResumes() {
        Schedule s = new Schedule("night", BERLIN, Schedule.Rotation.DAILY, LocalDate.parse("2026-03-27"),
                new Schedule.HandOff(Optional.empty(), LocalTime.of(2, 30)), List.of(ALICE, BOB));

        // 02:30 does not exist on 29 March; the hand-off happens at 03:30 CEST (01:30 UTC).
        assertThat(Rotation.handOff(s, 2)).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        assertThat(who(s, "2026-03-29T01:29:59Z")).isEqualTo(BOB);
        assertThat(who(s, "2026-03-29T01:30:00Z")).isEqualTo(ALICE);
        assertThat(who(s, "2026-03-30T00:30:00Z")).as("02:30 CEST the next day").isEqualTo(BOB);
    }

    @Test
    void aFixedLengthRotationCountsRealTimeThroughTheChange() {
        Schedule s = new Schedule("follow-the-sun", BERLIN, new Schedule.Rotation(Schedule.RotationKind.DURATION,
                Duration.ofHours(12)), LocalDate.parse("2026-03-28"),
                new Schedule.HandOff(Optional.empty(), LocalTime.of(9, 0)), List.of(ALICE, BOB));

        assertThat(who(s, "2026-03-28T08:00:00Z")).isEqualTo(ALICE);
        assertThat(who(s, "2026-03-28T20:00:00Z")).isEqualTo(BOB);
        assertThat(who(s, "2026-03-29T08:00:00Z")).as("10:00 CEST: twelve real hours later, not 09:00")
                .isEqualTo(ALICE);
        assertThat(who(s, "2026-03-29T07:59:59Z")).isEqualTo(BOB);
    }

    @Test
    void anOverrideTakesTheShiftUntilItEnds() {
        Schedule s = weekly(LocalDate.parse("2026-01-05"), List.of(ALICE, BOB));
        List<OnCallOverride> overrides = List.of(
                override(1, CAROL, "2026-01-06T10:00:00Z", "2026-01-06T18:00:00Z", "2026-01-06T09:00:00Z"));

        assertThat(who(s, overrides, "2026-01-06T09:59:59Z")).isEqualTo(ALICE);
        assertThat(who(s, overrides, "2026-01-06T10:00:00Z")).isEqualTo(CAROL);
        Shift shift = Rotation.at(s, overrides, Instant.parse("2026-01-06T12:00:00Z")).orElseThrow();
        assertThat(shift.override()).isPresent();
        assertThat(shift.until()).isEqualTo(Instant.parse("2026-01-06T18:00:00Z"));
        assertThat(who(s, overrides, "2026-01-06T18:00:00Z")).as("back to the rotation").isEqualTo(ALICE);
    }

    @Test
    void whenOverridesOverlapTheOneSetLastWins() {
        Schedule s = weekly(LocalDate.parse("2026-01-05"), List.of(ALICE, BOB));
        List<OnCallOverride> overrides = List.of(
                override(2, CAROL, "2026-01-06T10:00:00Z", "2026-01-07T10:00:00Z", "2026-01-06T09:30:00Z"),
                override(1, BOB, "2026-01-06T08:00:00Z", "2026-01-08T08:00:00Z", "2026-01-06T09:00:00Z"));

        assertThat(who(s, overrides, "2026-01-06T09:00:00Z")).isEqualTo(BOB);
        assertThat(who(s, overrides, "2026-01-06T12:00:00Z")).isEqualTo(CAROL);
        assertThat(who(s, overrides, "2026-01-07T12:00:00Z")).as("the older one resumes").isEqualTo(BOB);
    }

    @Test
    void overridesOfOtherSchedulesAndAnEmptyRotationChangeNothing() {
        Schedule empty = weekly(LocalDate.parse("2026-01-05"), List.of());
        OnCallOverride other = new OnCallOverride(1, "db-primary", CAROL, Instant.parse("2026-01-06T00:00:00Z"),
                Instant.parse("2026-01-07T00:00:00Z"), ALICE, Instant.parse("2026-01-05T00:00:00Z"));

        assertThat(who(empty, List.of(other), "2026-01-06T12:00:00Z")).isEqualTo("nobody");
    }
}
