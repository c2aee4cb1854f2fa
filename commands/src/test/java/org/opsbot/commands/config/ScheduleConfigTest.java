package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.yaml.Problem;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code schedules:} with layers, as validate reads it. */
class ScheduleConfigTest {

    private static java.util.List<String> problems(String yaml) {
        return ConfigParser.parse(yaml, "opsbot.yaml").problems().stream().map(Problem::format).toList();
    }

    @Test
    void aLayeredScheduleIsReadWithItsRestrictionAndTheSchedulesZoneAsDefault() {
        var schedule = ConfigParser.parse("""
                schedules:
                  support:
                    time-zone: Europe/Berlin
                    layers:
                      - {rotation: weekly, start: 2026-01-05, hand-off: "Mon 09:00", members: [U0NIGHT001]}
                      - name: day team
                        time-zone: Asia/Singapore
                        rotation: daily
                        start: 2026-01-05
                        members: [U0DAY00001]
                        restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
                """, "opsbot.yaml").require().schedules().get("support");

        assertThat(schedule.line()).isEqualTo(2);
        assertThat(schedule.layers()).hasSize(2);
        assertThat(schedule.layers().get(0).timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(schedule.layers().get(0).name()).isEqualTo("layer 1");
        var day = schedule.layers().get(1);
        assertThat(day.name()).isEqualTo("day team");
        assertThat(day.timeZone()).isEqualTo(ZoneId.of("Asia/Singapore"));
        assertThat(day.restriction().orElseThrow().days()).hasSize(5).doesNotContain(DayOfWeek.SATURDAY);
        assertThat(day.restriction().orElseThrow().from()).isEqualTo(LocalTime.of(9, 0));
        assertThat(schedule.members()).containsExactly("U0NIGHT001", "U0DAY00001");
    }

    @Test
    void layerMistakesAreReportedWithTheirLines() {
        assertThat(problems("""
                schedules:
                  support:
                    layers:
                      - rotation: weekly
                        start: 2026-01-05
                        members: [U0NIGHT001]
                      - time-zone: Europe/Berlin
                        rotation: daily
                        start: 2026-01-05
                        members: [U0DAY00001]
                        restrict: {days: Mon-Fry, from: "09:00"}
                """)).anySatisfy(p -> assertThat(p).startsWith("opsbot.yaml:4:").contains("time-zone"))
                .anySatisfy(p -> assertThat(p).startsWith("opsbot.yaml:11:").contains("'Mon-Fry' is not a set of days"))
                .anySatisfy(p -> assertThat(p).contains("has only one of from and to"));
    }

    @Test
    void listAndCancelAreNotNamesOfTeamsOrSchedules() {
        assertThat(problems("""
                schedules:
                  list: {time-zone: UTC, rotation: daily, start: 2026-01-05, members: [U0ALICE001]}
                teams:
                  cancel:
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:list"]}
                routes: [{team: cancel}]
                """)).anySatisfy(p -> assertThat(p).startsWith("opsbot.yaml:2: schedule name 'list' is a word of /ops override"))
                .anySatisfy(p -> assertThat(p).startsWith("opsbot.yaml:4: team name 'cancel' is a word of /ops override"));
    }

    @Test
    void aUserGroupHandleThatIsNoHandleIsReportedWithItsLine() {
        assertThat(problems("""
                schedules:
                  cdc:
                    time-zone: UTC
                    rotation: daily
                    start: 2026-01-05
                    slack-usergroup: CDC On Call
                    members: [U0ALICE001]
                """)).singleElement().asString().startsWith("opsbot.yaml:6:")
                .contains("schedules.cdc.slack-usergroup 'CDC On Call' is not a user group handle")
                .contains("slack-usergroup: cdc-oncall");
    }

    @Test
    void twoSchedulesKeepingOneUsergroupAreRefusedNamingBoth() {
        assertThat(problems("""
                schedules:
                  cdc-primary:
                    {time-zone: UTC, rotation: weekly, start: 2026-01-05, members: [U0ALICE001], slack-usergroup: cdc-oncall}
                  cdc-secondary:
                    time-zone: UTC
                    rotation: weekly
                    start: 2026-01-05
                    members: [U0BOB00001]
                    slack-usergroup: "@cdc-oncall"
                  search:
                    {time-zone: UTC, rotation: weekly, start: 2026-01-05, members: [U0MEI00001], slack-usergroup: search-oncall}
                """)).singleElement().asString().startsWith("opsbot.yaml:9:")
                .contains("schedules.cdc-secondary.slack-usergroup 'cdc-oncall' is already kept by schedule 'cdc-primary' (line 2)")
                .contains("overwrite each other's members of @cdc-oncall")
                .contains("slack-usergroup: cdc-secondary-oncall")
                .contains("keep @cdc-oncall on 'cdc-primary' only");
    }
}
