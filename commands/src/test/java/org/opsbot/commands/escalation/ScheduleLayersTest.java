package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Layers, restrictions and overrides as pure schedule logic, read from opsbot.yaml as people write it. */
class ScheduleLayersTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static final String YAML = """
            schedules:
              support:
                time-zone: Europe/Berlin
                layers:
                  - name: night rota
                    rotation: weekly
                    start: 2026-01-05
                    hand-off: "Mon 09:00"
                    members: [U0NIGHT001, U0NIGHT002]
                  - name: day team
                    rotation: daily
                    start: 2026-01-05
                    hand-off: "09:00"
                    members: [U0DAY00001, U0DAY00002]
                    restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
              sun:
                layers:
                  - name: berlin
                    time-zone: Europe/Berlin
                    rotation: weekly
                    start: 2026-01-05
                    hand-off: "Mon 13:00"
                    members: [U0BERLIN01]
                    restrict: {from: "13:00", to: "01:00"}
                  - name: singapore
                    time-zone: Asia/Singapore
                    rotation: weekly
                    start: 2026-01-05
                    hand-off: "Mon 08:00"
                    members: [U0SINGAP01]
                    restrict: {from: "08:00", to: "20:00"}
              office:
                time-zone: Europe/Berlin
                layers:
                  - rotation: weekly
                    start: 2026-01-05
                    members: [U0DAY00001]
                    restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
              single: {time-zone: UTC, rotation: daily, start: 2026-01-05, members: [U0ALICE001, U0BOB00001]}
            """;

    private static final java.util.Map<String, Schedule> SCHEDULES = ConfigParser.parse(YAML, "opsbot.yaml").require().schedules();

    private static Schedule schedule(String name) {
        return SCHEDULES.get(name);
    }

    private static Instant berlin(String local) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), BERLIN).toInstant();
    }

    private static String who(Schedule s, List<OnCallOverride> overrides, Instant at) {
        return Rotation.at(s, overrides, at).map(Shift::user).orElse("nobody");
    }

    private static String who(Schedule s, Instant at) {
        return who(s, List.of(), at);
    }

    private static OnCallOverride override(long id, String user, Instant from, Instant until, Instant createdAt) {
        return new OnCallOverride(id, "support", user, from, until, "U0LEAD0001", createdAt);
    }

    @Test
    void theSingleRotationFormIsOneLayerAndBehavesAsBefore() {
        Schedule s = schedule("single");

        assertThat(s.layers()).hasSize(1);
        assertThat(who(s, Instant.parse("2026-01-05T09:00:00Z"))).isEqualTo("U0ALICE001");
        assertThat(who(s, Instant.parse("2026-01-06T08:59:59Z"))).isEqualTo("U0ALICE001");
        assertThat(who(s, Instant.parse("2026-01-06T09:00:00Z"))).isEqualTo("U0BOB00001");
        Shift shift = Rotation.at(s, List.of(), Instant.parse("2026-01-06T12:00:00Z")).orElseThrow();
        assertThat(shift.from()).isEqualTo(Instant.parse("2026-01-06T09:00:00Z"));
        assertThat(shift.until()).isEqualTo(Instant.parse("2026-01-07T09:00:00Z"));
    }

    @Test
    void onWeekdaysFromNineToSixTheDayTeamWinsOtherwiseTheNightRota() {
        Schedule s = schedule("support");

        // A daily rotation turns every day, weekends included: Tuesday 13 January is its ninth day.
        assertThat(who(s, berlin("2026-01-13T10:00"))).as("Tuesday morning").isEqualTo("U0DAY00001");
        assertThat(who(s, berlin("2026-01-13T17:59"))).isEqualTo("U0DAY00001");
        assertThat(who(s, berlin("2026-01-13T18:00"))).as("Tuesday evening").isEqualTo("U0NIGHT002");
        assertThat(who(s, berlin("2026-01-14T08:59"))).as("before Wednesday's day shift").isEqualTo("U0NIGHT002");
        assertThat(who(s, berlin("2026-01-14T09:00"))).isEqualTo("U0DAY00002");
        assertThat(who(s, berlin("2026-01-17T12:00"))).as("Saturday noon").isEqualTo("U0NIGHT002");
    }

    @Test
    void theShiftsOfADayAreTheNightRotaTheDayTeamAndTheNightRotaAgain() {
        Schedule s = schedule("support");

        List<Shift> shifts = Rotation.shifts(s, List.of(), berlin("2026-01-13T00:00"), berlin("2026-01-14T00:00"));

        assertThat(shifts).extracting(Shift::user).containsExactly("U0NIGHT002", "U0DAY00001", "U0NIGHT002");
        assertThat(shifts.get(0).from()).as("the night rota's week began on Monday").isEqualTo(berlin("2026-01-12T18:00"));
        assertThat(shifts.get(1).from()).isEqualTo(berlin("2026-01-13T09:00"));
        assertThat(shifts.get(1).until()).isEqualTo(berlin("2026-01-13T18:00"));
        assertThat(shifts.get(2).until()).isEqualTo(berlin("2026-01-14T09:00"));
        assertThat(Rotation.gaps(s, List.of(), berlin("2026-01-12T00:00"), berlin("2026-02-09T00:00"))).isEmpty();
    }

    @Test
    void theDayTeamsHoursKeepTheirWallClockTimeAcrossTheDaylightSavingChange() {
        Schedule s = schedule("support");
        // Berlin moves to CEST on Sunday 29 March 2026: 09:00 is 08:00 UTC before, 07:00 UTC after.
        assertThat(who(s, Instant.parse("2026-03-27T07:30:00Z"))).as("Friday 08:30 CET").startsWith("U0NIGHT");
        assertThat(who(s, Instant.parse("2026-03-27T08:00:00Z"))).as("Friday 09:00 CET").startsWith("U0DAY");
        assertThat(who(s, Instant.parse("2026-03-30T07:00:00Z"))).as("Monday 09:00 CEST").startsWith("U0DAY");
        assertThat(who(s, Instant.parse("2026-03-30T16:00:00Z"))).as("Monday 18:00 CEST").startsWith("U0NIGHT");

        List<Shift> weekend = Rotation.shifts(s, List.of(), Instant.parse("2026-03-28T12:00:00Z"), Instant.parse("2026-03-29T12:00:00Z"));
        Shift night = weekend.getFirst();
        assertThat(night.from()).as("Friday 18:00 CET").isEqualTo(Instant.parse("2026-03-27T17:00:00Z"));
        assertThat(night.until()).as("Monday 09:00 CEST: the weekend night is an hour shorter")
                .isEqualTo(Instant.parse("2026-03-30T07:00:00Z"));
    }

    @Test
    void followTheSunHandsOverBetweenBerlinAndSingapore() {
        Schedule s = schedule("sun");

        // Winter: Singapore 08:00-20:00 is 00:00-12:00 UTC, Berlin 13:00-01:00 CET is 12:00-00:00 UTC.
        assertThat(who(s, Instant.parse("2026-01-13T03:00:00Z"))).isEqualTo("U0SINGAP01");
        assertThat(who(s, Instant.parse("2026-01-13T11:59:00Z"))).isEqualTo("U0SINGAP01");
        assertThat(who(s, Instant.parse("2026-01-13T12:00:00Z"))).isEqualTo("U0BERLIN01");
        assertThat(who(s, Instant.parse("2026-01-13T23:59:00Z"))).isEqualTo("U0BERLIN01");
        assertThat(Rotation.gaps(s, List.of(), Instant.parse("2026-01-12T00:00:00Z"), Instant.parse("2026-01-19T00:00:00Z")))
                .as("in winter the two cover the whole day").isEmpty();

        // Summer: Berlin 13:00-01:00 CEST is 11:00-23:00 UTC; Singapore has no daylight saving.
        assertThat(who(s, Instant.parse("2026-07-14T11:30:00Z"))).as("where both cover, the later layer wins")
                .isEqualTo("U0SINGAP01");
        var gaps = Rotation.gaps(s, List.of(), Instant.parse("2026-07-14T00:00:00Z"), Instant.parse("2026-07-15T00:00:00Z"));
        assertThat(gaps).containsExactly(new Rotation.Gap(Instant.parse("2026-07-14T23:00:00Z"), Instant.parse("2026-07-15T00:00:00Z")));
    }

    @Test
    void aLayerThatCoversOnlyOfficeHoursLeavesGaps() {
        Schedule s = schedule("office");

        assertThat(who(s, berlin("2026-01-13T20:00"))).isEqualTo("nobody");
        var gaps = Rotation.gaps(s, List.of(), berlin("2026-01-13T00:00"), berlin("2026-01-14T00:00"));
        assertThat(gaps).containsExactly(
                new Rotation.Gap(berlin("2026-01-13T00:00"), berlin("2026-01-13T09:00")),
                new Rotation.Gap(berlin("2026-01-13T18:00"), berlin("2026-01-14T00:00")));
    }

    @Test
    void anOverrideCoversPartOfAShiftAndTheShiftGoesOnAfterIt() {
        Schedule s = schedule("support");
        var cover = override(1, "U0CAROL001", berlin("2026-01-13T11:00"), berlin("2026-01-13T13:00"), berlin("2026-01-10T08:00"));

        List<Shift> shifts = Rotation.shifts(s, List.of(cover), berlin("2026-01-13T09:00"), berlin("2026-01-13T18:00"));

        assertThat(shifts).extracting(Shift::user).containsExactly("U0DAY00001", "U0CAROL001", "U0DAY00001");
        assertThat(shifts.get(1).override()).contains(cover);
        assertThat(shifts.get(2).from()).isEqualTo(berlin("2026-01-13T13:00"));
        assertThat(shifts.get(2).until()).isEqualTo(berlin("2026-01-13T18:00"));
    }

    @Test
    void ofOverlappingOverridesTheLaterCreatedWinsWhereTheyOverlap() {
        Schedule s = schedule("support");
        var first = override(1, "U0CAROL001", berlin("2026-01-13T10:00"), berlin("2026-01-13T16:00"), berlin("2026-01-10T08:00"));
        var later = override(2, "U0DAVE0001", berlin("2026-01-13T12:00"), berlin("2026-01-13T14:00"), berlin("2026-01-11T08:00"));

        assertThat(who(s, List.of(later, first), berlin("2026-01-13T11:00"))).isEqualTo("U0CAROL001");
        assertThat(who(s, List.of(later, first), berlin("2026-01-13T13:00"))).isEqualTo("U0DAVE0001");
        assertThat(who(s, List.of(later, first), berlin("2026-01-13T15:00"))).isEqualTo("U0CAROL001");
        Shift carolAgain = Rotation.at(s, List.of(first, later), berlin("2026-01-13T15:00")).orElseThrow();
        assertThat(carolAgain.from()).isEqualTo(berlin("2026-01-13T14:00"));
        assertThat(carolAgain.until()).isEqualTo(berlin("2026-01-13T16:00"));
    }

    @Test
    void anOverrideFillsAGap() {
        Schedule s = schedule("office");
        var evening = new OnCallOverride(3, "office", "U0CAROL001", berlin("2026-01-13T18:00"), berlin("2026-01-13T22:00"),
                "U0LEAD0001", berlin("2026-01-10T08:00"));

        var gaps = Rotation.gaps(s, List.of(evening), berlin("2026-01-13T12:00"), berlin("2026-01-14T00:00"));

        assertThat(gaps).containsExactly(new Rotation.Gap(berlin("2026-01-13T22:00"), berlin("2026-01-14T00:00")));
    }
}
