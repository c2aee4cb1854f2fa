package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExampleConfigTest {

    @Test
    void the_bundled_example_is_valid() {
        var result = ConfigLoader.bundledExample();

        assertThat(result.problems()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.bundledExample()).isTrue();
        assertThat(result.source()).isEqualTo(ConfigLoader.BUNDLED_EXAMPLE);
    }

    @Test
    void the_bundled_example_is_the_file_at_the_repository_root() throws Exception {
        var root = Path.of("..", "opsbot.example.yaml");

        assertThat(ConfigLoader.exampleText()).isEqualTo(Files.readString(root));
    }

    @Test
    void the_example_is_read_into_the_full_model() {
        var config = ConfigLoader.bundledExample().require();

        assertThat(config.slack().defaultChannel()).contains("#alerts");
        assertThat(config.roles().get("responders")).containsExactly("U0ALICE001", "U0BOB00001", "@oncall");
        assertThat(config.severities()).extracting(Severity::name).containsExactly("P1", "P2", "P3", "P4");
        assertThat(config.severity("P1").orElseThrow().resolveWithin()).contains(Duration.ofMinutes(30));

        var schedule = config.schedules().get("cdc-primary");
        assertThat(schedule.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(schedule.rotation()).isEqualTo(Schedule.Rotation.WEEKLY);
        assertThat(schedule.handOff().day()).contains(java.time.DayOfWeek.MONDAY);

        var cdc = config.teams().get("cdc");
        assertThat(cdc.severityMap()).containsEntry("critical", "P1");
        var tiers = cdc.escalation().tiers();
        assertThat(tiers).extracting(Tier::name).containsExactly("On-call engineer", "Day team", "Team lead",
                "Infrastructure manager", "CTO");
        assertThat(tiers.get(0).targets()).containsExactly(new NotifyTarget(NotifyTarget.Kind.SCHEDULE, "cdc-primary"));
        // Seed 003: "Emergency: CTO (data loss, security incident)", whatever the severity.
        assertThat(tiers.get(4).appliesTo("P2")).isTrue();
        assertThat(tiers.get(4).match().matches(Map.of("category", "data-loss"))).isTrue();
        assertThat(tiers.get(4).match().matches(Map.of("category", "latency"))).isFalse();
        var dayTeam = tiers.get(1).hours().orElseThrow();
        assertThat(dayTeam.contains(ZonedDateTime.parse("2026-03-04T10:00:00+01:00[Europe/Berlin]"))).isTrue();
        assertThat(dayTeam.contains(ZonedDateTime.parse("2026-03-07T10:00:00+01:00[Europe/Berlin]"))).isFalse();

        assertThat(config.route(Map.of("team", "cdc")).orElseThrow().team()).isEqualTo("cdc");
        assertThat(config.route(Map.of("alertname", "ExtractionStalled")).orElseThrow().team()).isEqualTo("extraction");
        assertThat(config.route(Map.of("alertname", "DiskFull")).orElseThrow().isCatchAll()).isTrue();
        assertThat(config.permissions().get("override")).containsExactly("approvers");
        assertThat(config.summary()).isEqualTo("6 teams, 8 routes, 4 severities, 5 schedules, 4 roles");
    }
}
