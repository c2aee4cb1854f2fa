package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.yaml.Problem;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MaintenanceConfigTest {
    private static final String TEAMS = """
            roles:
              managers: [U0LEAD0001]
            teams:
              cdc: {channel: "#cdc"}
              web:
                channel: "#web"
                alertmanager-url: http://alertmanager.web:9093
                maintenance-approval: {role: managers, count: 1, within: 1h}
            routes: [{team: cdc}]
            """;

    private static List<Problem> problems(String maintenance) {
        return ConfigParser.parse(TEAMS + maintenance, "opsbot.yaml").problems();
    }

    @Test
    void aRecurringWindowIsReadWithItsLabelsSilenceAndRunbook() {
        OpsbotConfig config = ConfigParser.parse(TEAMS + """
                alertmanager-url: http://alertmanager:9093
                maintenance:
                  - {name: cdc-weekly, team: cdc, cron: "0 2 * * SUN", duration: 4h, time-zone: Europe/Berlin,
                     labels: {service: [db, cache], env: prod}, silence: true, then-run: cdc-morning}
                """, "opsbot.yaml").require();

        MaintenanceConfig.Window w = config.maintenance().window("cdc-weekly").orElseThrow();
        assertThat(w.team()).isEqualTo("cdc");
        assertThat(w.duration()).isEqualTo(Duration.ofHours(4));
        assertThat(w.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(w.labels()).isEqualTo(Map.of("service", List.of("db", "cache"), "env", List.of("prod")));
        assertThat(w.silence()).isTrue();
        assertThat(w.thenRun()).contains("cdc-morning");
        assertThat(w.line()).isEqualTo(12);
        assertThat(config.maintenance().alertmanagerUrl("cdc")).contains(URI.create("http://alertmanager:9093"));
        assertThat(config.maintenance().alertmanagerUrl("web")).as("the team's own").contains(URI.create("http://alertmanager.web:9093"));
        assertThat(config.maintenance().approval("web")).contains(new MaintenanceConfig.Approval("managers", 1, Duration.ofHours(1)));
        assertThat(config.maintenance().approval("cdc")).isEqualTo(Optional.empty());
    }

    @Test
    void brokenWindowsAreReportedWithTheirLineAndAFix() {
        List<Problem> problems = problems("""
                maintenance:
                  - {name: Weekly Window, team: cdc, cron: "0 2 * * SUN", duration: 4h, time-zone: UTC}
                  - {name: b, team: cdcc, cron: "0 25 * * *", duration: 0m, time-zone: Europe/Berln}
                  - {name: c, team: cdc, cron: "0 2 * * *", duration: 1h, time-zone: UTC, silence: true, colour: red}
                  - {name: d, team: web, cron: "0 2 * * *", duration: 1h, time-zone: UTC, labels: {team: web}, silence: yes}
                """);

        assertThat(problems).extracting(Problem::line, Problem::message).contains(
                org.assertj.core.groups.Tuple.tuple(11, "maintenance[0].name 'Weekly Window' cannot be typed in /ops maintenance skip"),
                org.assertj.core.groups.Tuple.tuple(12, "maintenance[1].team names team 'cdcc', which is not defined under teams:"),
                org.assertj.core.groups.Tuple.tuple(12, "maintenance[1].duration must be more than 0 and at most 7d"),
                org.assertj.core.groups.Tuple.tuple(12, "maintenance[1].time-zone 'Europe/Berln' is not a time zone"),
                org.assertj.core.groups.Tuple.tuple(13, "maintenance[2] has silence: true but no labels to silence"),
                org.assertj.core.groups.Tuple.tuple(13, "maintenance[2] has silence: true but no Alertmanager address is set"),
                org.assertj.core.groups.Tuple.tuple(13, "unknown key 'colour' in maintenance[2]"),
                org.assertj.core.groups.Tuple.tuple(14, "maintenance[3].silence 'yes' is not true or false"));
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(12);
            assertThat(p.message()).startsWith("maintenance[1].cron \"0 25 * * *\" is not a cron expression");
            assertThat(p.fix()).contains("\"0 2 * * SUN\"");
        });
        assertThat(problems).filteredOn(p -> p.line() == 12 && p.message().contains("time zone"))
                .singleElement().satisfies(p -> assertThat(p.fix()).isEqualTo("did you mean Europe/Berlin?"));
    }

    @Test
    void aTeamsApprovalRuleNamesADefinedRoleAndItsAlertmanagerIsAnAddress() {
        List<Problem> problems = ConfigParser.parse("""
                roles:
                  managers: [U0LEAD0001]
                teams:
                  cdc:
                    channel: "#cdc"
                    alertmanager-url: alertmanager:9093
                    maintenance-approval: {role: manager}
                routes: [{team: cdc}]
                """, "opsbot.yaml").problems();

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(6, "teams.cdc.alertmanager-url 'alertmanager:9093' is not an http(s) address"),
                org.assertj.core.groups.Tuple.tuple(7, "teams.cdc.maintenance-approval.role names role 'manager', which is not"
                        + " defined under roles:"));
    }

    @Test
    void twoWindowsWithOneNameAreRefused() {
        assertThat(problems("""
                maintenance:
                  - {name: w, team: cdc, cron: "0 2 * * SUN", duration: 4h, time-zone: UTC}
                  - {name: w, team: cdc, cron: "0 2 * * WED", duration: 4h, time-zone: UTC}
                """)).extracting(Problem::line, Problem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(12, "maintenance window 'w' is defined twice"));
    }
}
