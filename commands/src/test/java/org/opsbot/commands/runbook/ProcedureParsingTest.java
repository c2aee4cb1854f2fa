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

class ProcedureParsingTest {
    private static final String HEAD = """
            name: cdc
            team: cdc
            checks:
              - name: Source connector running
                http: {url: "http://connect:8083/connectors/src/status", json: /connector/state, equals: RUNNING}
              - name: Lag
                prometheus: {url: "http://prom:9090", query: "max(lag)"}
                crit: "> 10000"
            actions:
              restart-connector:
                title: Restart a connector
                params:
                  connector: {enum: [source, sink]}
                http: {url: "http://connect:8083/connectors/{{connector}}/restart"}
                approval: {role: approvers, count: 1, within: 30m}
              pause:
                title: Pause
                params:
                  connector: {enum: [source, sink], default: source}
                http: {url: "http://connect:8083/connectors/{{connector}}/pause"}
            """;

    @TempDir
    Path dir;

    private RunbookCatalog load(String procedures) throws IOException {
        Path file = Files.writeString(dir.resolve("cdc.yaml"), HEAD + procedures);
        return RunbookCatalog.loadFile(file, Map.of(), ExecAllowList.of());
    }

    private List<String> problems(String procedures) throws IOException {
        return load(procedures).problems().stream()
                .map(p -> p.toString().replace(dir.resolve("cdc.yaml").toString(), "cdc.yaml")).toList();
    }

    @Test
    void aProcedureIsReadWithItsManualCheckAndActionStepsInOrder() throws IOException {
        RunbookCatalog catalog = load("""
                procedures:
                  recover-connector:
                    title: Recover a failed connector
                    params: [connector]
                    steps:
                      - manual: Read the connector's last error
                      - check: [Source connector running]
                      - action: restart-connector
                      - action: pause
                        params: {connector: sink}
                      - check: all
                """);

        assertThat(catalog.problems()).isEmpty();
        Procedure p = catalog.find("cdc").orElseThrow().procedure("recover-connector").orElseThrow();
        assertThat(p.title()).isEqualTo("Recover a failed connector");
        assertThat(p.params()).containsExactly("connector");
        assertThat(p.steps()).containsExactly(
                new Procedure.Manual("Read the connector's last error"),
                new Procedure.Checks(List.of("Source connector running")),
                new Procedure.ActionStep("restart-connector", Map.of()),
                new Procedure.ActionStep("pause", Map.of("connector", "sink")),
                new Procedure.Checks(List.of()));
    }

    @Test
    void anUnknownCheckIsReportedWithItsLineAndTheClosestName() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps:
                      - check: [Source conector running]
                """)).containsExactly("cdc.yaml:24: this runbook has no check named \"Source conector running\""
                + " — did you mean \"Source connector running\"?");
    }

    @Test
    void anUnknownActionIsReportedWithItsLine() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps:
                      - action: restart-conector
                """)).containsExactly("cdc.yaml:24: this runbook has no action \"restart-conector\""
                + " — did you mean \"restart-connector\"?");
    }

    @Test
    void aParameterNobodyGivesIsReportedWithBothWaysToGiveIt() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps:
                      - action: restart-connector
                """)).containsExactly("cdc.yaml:24: action restart-connector needs connector, which this step does not give"
                + " — write params: {connector: …} in the step, or list connector under the procedure's params:"
                + " to give it when it starts");
    }

    @Test
    void aWrongParameterValueOrNameIsReported() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps:
                      - action: restart-connector
                        params: {connector: middle, force: "yes"}
                """)).containsExactly(
                "cdc.yaml:25: connector must be one of source, sink — write a value the action accepts",
                "cdc.yaml:25: force is not a parameter of action restart-connector — known keys: connector");
    }

    @Test
    void emptyStepsAndAMissingStepsListAreReported() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps: []
                  drain:
                    title: Drain
                """)).containsExactly(
                "cdc.yaml:23: procedure recover has no steps — list its steps: \"- manual: …\", \"- check: [name]\" or \"- action: id\"",
                "cdc.yaml:25: procedure drain has no steps — add \"steps:\" with \"- manual: …\", \"- check: [name]\" or \"- action: id\"");
    }

    @Test
    void anUnknownStepKindIsReportedWithTheClosestKind() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    steps:
                      - manul: Read the log
                      - Restart it
                      - {manual: Read, check: all}
                      - {manual: Read, params: {connector: source}}
                """)).containsExactly(
                "cdc.yaml:24: unknown step kind \"manul\" — a step is one of manual, check, action; did you mean manual?",
                "cdc.yaml:25: a step must be a mapping with one of manual, check, action — write \"- manual: Read the log\","
                        + " \"- check: [Source connector running]\" or \"- action: restart-connector\"",
                "cdc.yaml:26: a step has one kind, this one has manual and check — split it into one step per kind",
                "cdc.yaml:27: only an action step takes params — move the values to the action step they belong to");
    }

    @Test
    void aStartParameterNoStepUsesIsReported() throws IOException {
        assertThat(problems("""
                procedures:
                  recover:
                    params: [conector]
                    steps:
                      - manual: Read the log
                """)).containsExactly("cdc.yaml:23: parameter conector of procedure recover is used by none of its action steps"
                + " — remove it from params:");
    }
}
