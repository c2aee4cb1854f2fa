package org.opsbot.commands.alert;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeds' alert conditions shipped as Prometheus rule files: valid for Prometheus itself
 * ({@code promtool check rules}, skipped without promtool except under {@code CI=true}, where
 * {@code .ci/run} installs it), and each rule routed by the shipped example to the team its file
 * is for, with a severity that team knows and a runbook the bot has.
 */
class ShippedAlertRulesTest {
    private static final Map<String, String> TEAM_OF_FILE = Map.of(
            "meltano-oracle.yml", "data-sync",   // seed 000
            "analytics.yml", "analytics",        // seed 001
            "data-import.yml", "data-import",    // seed 002
            "cdc.yml", "cdc",                    // seed 003
            "ivoris.yml", "extraction");         // seed 004

    @Test
    void promtoolChecksEveryShippedRuleFile() throws Exception {
        Optional<Path> promtool = Stream.concat(Stream.of(Path.of("/usr/bin/promtool")),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(p -> Path.of(p, "promtool")))
                .filter(Files::isExecutable).findFirst();
        if (promtool.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but no promtool: .ci/run should install prometheus");
            }
            Assumptions.abort("no promtool (apt-get install prometheus); skipped outside CI");
        }
        List<String> command = new ArrayList<>(List.of(promtool.get().toString(), "check", "rules"));
        ShippedAlertRules.files().forEach(f -> command.add(f.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void aRuleFileForEachOfTheFiveSeedsAndEveryRuleRoutesToItsOwnTeam() {
        OpsbotConfig config = ConfigLoader.bundledExample().require();
        List<ShippedAlertRules.Rule> rules = ShippedAlertRules.all();

        assertThat(ShippedAlertRules.files()).extracting(f -> f.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(TEAM_OF_FILE.keySet());
        assertThat(rules).hasSizeGreaterThanOrEqualTo(TEAM_OF_FILE.size());
        for (ShippedAlertRules.Rule rule : rules) {
            String team = TEAM_OF_FILE.get(rule.file());
            assertThat(rule.labels()).as(rule.alert()).containsEntry("team", team);
            assertThat(config.route(rule.alertLabels())).as(rule.alert()).hasValueSatisfying(
                    r -> assertThat(r.team()).as(rule.alert()).isEqualTo(team));
            assertThat(config.teams().get(team).severityMap()).as(rule.alert() + "'s severity")
                    .containsKey(rule.labels().get("severity"));
        }
    }

    @Test
    void everyRuleThatNamesARunbookNamesAShippedOneOfItsTeam() {
        RunbookCatalog catalog = RunbookCatalog.load(Path.of("..", "runbooks"), Map.of(), ExecAllowList.none());

        List<ShippedAlertRules.Rule> withRunbook = ShippedAlertRules.all().stream()
                .filter(r -> r.annotations().containsKey("runbook")).toList();
        assertThat(withRunbook).isNotEmpty();
        for (ShippedAlertRules.Rule rule : withRunbook) {
            assertThat(catalog.find(rule.annotations().get("runbook"))).as(rule.alert()).hasValueSatisfying(
                    runbook -> assertThat(runbook.team()).isEqualTo(rule.labels().get("team")));
        }
    }
}
