package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.check.ExecAllowList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A schedule that runs an action: read, and refused with its line when it could not run. */
class ScheduledActionParseTest {
    private static final String RUNBOOK = """
            name: cdc-morning
            title: CDC
            team: cdc
            schedule:
              - {cron: "0 6 * * *"}
              - {cron: "0 2 * * SUN", time-zone: Europe/Berlin, action: full-sync, params: {mode: full}}
            checks:
              - name: Disk
                disk: {path: /}
            actions:
              full-sync:
                title: Full sync
                params:
                  mode: {enum: [full, delta]}
                  tables: {type: integer, min: 1, max: 10, default: "3"}
                http: {method: POST, url: "http://sync:8080/sync/{{mode}}"}
                approval: {role: approvers, count: 1, within: 30m}
            """;

    @TempDir
    Path dir;

    private RunbookCatalog load(String yaml) throws IOException {
        return RunbookCatalog.loadFile(Files.writeString(dir.resolve("rb.yaml"), yaml), Map.of(), ExecAllowList.of());
    }

    private List<String> problems(String yaml) throws IOException {
        return load(yaml).problems().stream().map(p -> p.line() + ": " + p.message() + " | " + p.fix()).toList();
    }

    @Test
    void aScheduleMayRunAnActionWithTheValuesItNames() throws IOException {
        RunbookCatalog catalog = load(RUNBOOK);

        assertThat(catalog.problems()).isEmpty();
        List<Schedule> schedules = catalog.find("cdc-morning").orElseThrow().schedules();
        assertThat(schedules.get(0).runsChecks()).isTrue();
        assertThat(schedules.get(1).action()).hasValueSatisfying(a -> {
            assertThat(a.id()).isEqualTo("full-sync");
            assertThat(a.params()).containsExactly(Map.entry("mode", "full"));
        });
        assertThat(schedules.get(0).key()).as("a checks schedule keeps its key").isEqualTo("0 6 * * * UTC");
        assertThat(schedules.get(1).key()).isEqualTo("0 2 * * SUN Europe/Berlin action:full-sync {mode=full}");
    }

    @Test
    void anActionTheRunbookDoesNotDefineIsRefusedWithItsLine() throws IOException {
        assertThat(problems(RUNBOOK.replace("action: full-sync", "action: full-snyc")))
                .containsExactly("6: the schedule \"0 2 * * SUN\" runs action \"full-snyc\", which this runbook does not define"
                        + " | did you mean \"full-sync\"?");
    }

    @Test
    void wrongOrMissingValuesAreRefusedWhereTheyAreWritten() throws IOException {
        String yaml = RUNBOOK.replace("  - {cron: \"0 2 * * SUN\", time-zone: Europe/Berlin, action: full-sync, params: {mode: full}}\n", """
                  - cron: "0 2 * * SUN"
                    action: full-sync
                    params:
                      mode: sometimes
                      table: 4
                      tables: 11
                """);

        assertThat(problems(yaml)).containsExactly(
                "10: \"table\" is not a parameter of action full-sync | did you mean \"tables\"?",
                "9: the schedule \"0 2 * * SUN\" runs full-sync with a wrong value: mode must be one of full, delta"
                        + " | write a value it accepts under params:",
                "11: the schedule \"0 2 * * SUN\" runs full-sync with a wrong value: tables must be between 1 and 10"
                        + " | write a value it accepts under params:");
        assertThat(problems(RUNBOOK.replace(", params: {mode: full}", ""))).containsExactly(
                "6: the schedule \"0 2 * * SUN\" runs full-sync with a wrong value: mode is required"
                        + " | write it under params: {mode: …}");
    }

    @Test
    void paramsWithoutAnActionAreRefused() throws IOException {
        assertThat(problems(RUNBOOK.replace("{cron: \"0 6 * * *\"}", "{cron: \"0 6 * * *\", params: {mode: full}}")))
                .singleElement().asString().startsWith("5: params belong to a scheduled action");
    }
}
