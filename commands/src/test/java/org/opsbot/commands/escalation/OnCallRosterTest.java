package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.BusinessHours;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.config.NotifyTarget;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.OnCallOverride;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OnCallRosterTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Schedule PRIMARY = new Schedule("cdc-primary", BERLIN, Schedule.Rotation.WEEKLY,
            LocalDate.parse("2026-01-05"), new Schedule.HandOff(Optional.of(DayOfWeek.MONDAY), LocalTime.of(9, 0)),
            List.of("U0ALICE001", "U0BOB00001"));
    private static final BusinessHours OFFICE = new BusinessHours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            LocalTime.of(9, 0), LocalTime.of(18, 0), BERLIN);
    private static final Team CDC = new Team("cdc", Optional.of("#cdc-alerts"), Optional.of("responders"), Map.of(),
            new Escalation(0, Optional.empty(), List.of(
                    new Tier("On-call engineer", Duration.ZERO, List.of(new NotifyTarget(NotifyTarget.Kind.SCHEDULE, "cdc-primary")),
                            Set.of(), Optional.empty()),
                    new Tier("Team lead", Duration.ofMinutes(30), List.of(new NotifyTarget(NotifyTarget.Kind.USER, "U0LEAD0001")),
                            Set.of(), Optional.empty()),
                    new Tier("Managers", Duration.ofMinutes(60), List.of(new NotifyTarget(NotifyTarget.Kind.USER_GROUP, "@infra-managers"),
                            new NotifyTarget(NotifyTarget.Kind.USER_GROUP, "@ghosts")), Set.of(), Optional.empty()),
                    new Tier("CTO", Duration.ofMinutes(60), List.of(new NotifyTarget(NotifyTarget.Kind.USER, "U0CTO00001")),
                            Set.of("P1"), Optional.empty()),
                    new Tier("Day team", Duration.ofMinutes(60), List.of(new NotifyTarget(NotifyTarget.Kind.USER, "U0DAY00001")),
                            Set.of(), Optional.of(OFFICE)))));

    private static List<OnCallRoster.TierOnCall> roster(Optional<String> severity, String at, List<OnCallOverride> overrides) {
        return OnCallRoster.of(CDC, Map.of("cdc-primary", PRIMARY), overrides,
                handle -> handle.equals("infra-managers") ? Optional.of(Set.of("U0MGR00002", "U0MGR00001")) : Optional.empty(),
                severity, Instant.parse(at));
    }

    @Test
    void eachTierNamesItsPeopleAndHowTheyGotThere() {
        var roster = roster(Optional.empty(), "2026-01-13T10:00:00Z", List.of());

        assertThat(roster.get(0).people()).singleElement().satisfies(p -> {
            assertThat(p.userId()).isEqualTo("U0BOB00001");
            assertThat(p.via()).isEqualTo("schedule cdc-primary");
            assertThat(p.shift().orElseThrow().until()).isEqualTo(Instant.parse("2026-01-19T08:00:00Z"));
        });
        assertThat(roster.get(1).people()).extracting(OnCallRoster.Person::userId).containsExactly("U0LEAD0001");
        assertThat(roster.get(2).people()).extracting(OnCallRoster.Person::userId).containsExactly("U0MGR00001", "U0MGR00002");
        assertThat(roster.get(2).unresolved()).containsExactly("members of @ghosts are not known yet");
        assertThat(roster).allSatisfy(t -> assertThat(t.notApplicable()).isEmpty());
    }

    @Test
    void aTierForOtherSeveritiesOrOutsideItsHoursIsMarkedNotApplicable() {
        var saturdayNight = roster(Optional.of("P2"), "2026-01-17T22:00:00Z", List.of());

        assertThat(saturdayNight.get(3).notApplicable()).contains("only for P1");
        assertThat(saturdayNight.get(4).notApplicable()).contains("outside its hours (Mon–Fri 09:00–18:00 Europe/Berlin)");
        assertThat(roster(Optional.of("P1"), "2026-01-14T10:00:00Z", List.of()).get(3).notApplicable()).isEmpty();
    }

    @Test
    void anOverrideReplacesTheScheduledPersonAndSaysWhoSetIt() {
        var override = new OnCallOverride(7, "cdc-primary", "U0CAROL001", Instant.parse("2026-01-13T00:00:00Z"),
                Instant.parse("2026-01-14T00:00:00Z"), "U0LEAD0001", Instant.parse("2026-01-12T20:00:00Z"));

        var person = roster(Optional.empty(), "2026-01-13T10:00:00Z", List.of(override)).get(0).people().getFirst();

        assertThat(person.userId()).isEqualTo("U0CAROL001");
        assertThat(person.via()).isEqualTo("override of schedule cdc-primary by U0LEAD0001");
    }

    @Test
    void consecutiveDaysReadAsARange() {
        assertThat(OnCallRoster.days(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY))).isEqualTo("Sat,Sun");
        assertThat(OnCallRoster.days(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY)))
                .isEqualTo("Mon–Wed,Fri");
    }
}
