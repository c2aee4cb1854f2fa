package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.OnCallGroups.Membership;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a schedule's @oncall user group should hold when. */
class OnCallGroupsTest {
    private static final String YAML = """
            schedules:
              cdc:
                time-zone: UTC
                rotation: daily
                start: 2026-01-05
                hand-off: "09:00"
                slack-usergroup: cdc-oncall
                members: [U0ALICE001, U0BOB00001]
              weekdays:
                time-zone: UTC
                slack-usergroup: "@day-oncall"
                layers:
                  - rotation: daily
                    start: 2026-01-05
                    members: [U0ALICE001, U0BOB00001]
                    restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
            """;
    private static final Map<String, Schedule> SCHEDULES = ConfigParser.parse(YAML, "opsbot.yaml").require().schedules();
    private static final Schedule CDC = SCHEDULES.get("cdc");
    private static final Schedule WEEKDAYS = SCHEDULES.get("weekdays");

    private static Optional<Membership> wanted(Schedule schedule, List<OnCallOverride> overrides, String at) {
        return OnCallGroups.wanted(schedule, overrides, Instant.parse(at));
    }

    @Test
    void theHandleIsReadWithOrWithoutItsAt() {
        assertThat(CDC.slackUsergroup()).contains("cdc-oncall");
        assertThat(WEEKDAYS.slackUsergroup()).contains("day-oncall");
    }

    @Test
    void theGroupHoldsWhoeverIsOnCallAndFollowsTheHandOff() {
        assertThat(wanted(CDC, List.of(), "2026-01-05T08:59:59Z")).contains(new Membership("U0BOB00001", Optional.empty()));
        assertThat(wanted(CDC, List.of(), "2026-01-05T09:00:00Z")).contains(new Membership("U0ALICE001", Optional.empty()));
        assertThat(wanted(CDC, List.of(), "2026-01-06T09:00:00Z")).contains(new Membership("U0BOB00001", Optional.empty()));
    }

    @Test
    void anOverrideInForceIsWhoTheGroupHolds() {
        var cover = new OnCallOverride(1, "cdc", "U0CAROL001", Instant.parse("2026-01-05T12:00:00Z"),
                Instant.parse("2026-01-05T14:00:00Z"), "U0ALICE001", Instant.parse("2026-01-05T10:00:00Z"));
        assertThat(wanted(CDC, List.of(cover), "2026-01-05T11:59:59Z")).contains(new Membership("U0ALICE001", Optional.empty()));
        assertThat(wanted(CDC, List.of(cover), "2026-01-05T12:00:00Z")).contains(new Membership("U0CAROL001", Optional.empty()));
        assertThat(wanted(CDC, List.of(cover), "2026-01-05T14:00:00Z")).contains(new Membership("U0ALICE001", Optional.empty()));
    }

    @Test
    void duringAGapTheLastPersonOnCallStaysAndTheGapIsSaid() {
        // Monday 2026-01-05: Alice covers 09:00-18:00; from then until Tuesday 09:00 nobody does.
        assertThat(wanted(WEEKDAYS, List.of(), "2026-01-05T17:59:59Z")).contains(new Membership("U0ALICE001", Optional.empty()));
        assertThat(wanted(WEEKDAYS, List.of(), "2026-01-05T18:00:00Z"))
                .contains(new Membership("U0ALICE001", Optional.of(Instant.parse("2026-01-05T18:00:00Z"))));
        assertThat(wanted(WEEKDAYS, List.of(), "2026-01-06T08:59:59Z"))
                .contains(new Membership("U0ALICE001", Optional.of(Instant.parse("2026-01-05T18:00:00Z"))));
        assertThat(wanted(WEEKDAYS, List.of(), "2026-01-06T09:00:00Z")).contains(new Membership("U0BOB00001", Optional.empty()));
    }

    @Test
    void aWeekendGapKeepsFridaysPersonUntilMonday() {
        assertThat(wanted(WEEKDAYS, List.of(), "2026-01-10T12:00:00Z"))
                .contains(new Membership("U0ALICE001", Optional.of(Instant.parse("2026-01-09T18:00:00Z"))));
    }
}
