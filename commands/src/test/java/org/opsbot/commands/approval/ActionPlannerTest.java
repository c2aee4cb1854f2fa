package org.opsbot.commands.approval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActionPlannerTest {
    private static final String RUNBOOK = """
            name: cdc
            title: CDC
            team: cdc
            actions:
              restart-connector:
                title: Restart a connector
                params:
                  connector: {pattern: "[A-Za-z0-9._%&=/?;$-]{1,100}"}
                http:
                  method: POST
                  url: http://connect.internal:8083/connectors/{{connector}}/restart?includeTasks=true&tag={{connector}}
              sync:
                title: Full sync
                params:
                  table: {pattern: "[a-z_]{1,64}"}
                  batch: {type: integer, min: 10, max: 1000, default: "100"}
                  mode: {enum: [incremental, full]}
                http:
                  url: http://sync.internal/sync
                  body: '{"table": "{{table}}", "mode": "{{mode}}", "batch": {{batch}}}'
              rollback:
                title: Roll back
                params:
                  release: {pattern: ".{1,100}"}
                exec: {command: helm, args: [rollback, "{{release}}"]}
            """;

    @TempDir
    Path dir;

    private Runbook runbook() throws IOException {
        Path file = Files.writeString(dir.resolve("cdc.yaml"), RUNBOOK);
        RunbookCatalog catalog = RunbookCatalog.loadFile(file, Map.of(), ExecAllowList.of("helm"));
        assertThat(catalog.problems()).isEmpty();
        return catalog.find("cdc").orElseThrow();
    }

    private ActionPlan plan(String action, Map<String, String> values) throws Exception {
        Runbook r = runbook();
        return ActionPlanner.plan(r, r.action(action).orElseThrow(), values);
    }

    @Test
    void aValueFillsOnePercentEncodedPathSegmentAndQueryValueOfTheRunbooksHost() throws Exception {
        ActionPlan plan = plan("restart-connector", Map.of("connector", "sink/admin?x=1&y=2;$id"));

        assertThat(plan.http().orElseThrow().url()).isEqualTo(
                "http://connect.internal:8083/connectors/sink%2Fadmin%3Fx=1&y=2;$id/restart"
                + "?includeTasks=true&tag=sink%2Fadmin%3Fx%3D1%26y%3D2%3B%24id");
        assertThat(plan.whatRuns()).startsWith("POST http://connect.internal:8083/connectors/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../admin", "a/../../etc", "x..y"})
    void pathTraversalIsRefused(String value) {
        assertThatThrownBy(() -> plan("restart-connector", Map.of("connector", value)))
                .isInstanceOf(InvalidParameters.class)
                .hasMessageContaining("connector must not contain \"..\"");
    }

    @Test
    void urlEncodedDotsStayLiteralTextAndNeverBecomeASegmentUp() throws Exception {
        ActionPlan plan = plan("restart-connector", Map.of("connector", "%2e%2e"));

        assertThat(plan.http().orElseThrow().url())
                .startsWith("http://connect.internal:8083/connectors/%252e%252e/restart");
    }

    @Test
    void aLeadingDashIsRefusedForEveryAction() {
        assertThatThrownBy(() -> plan("rollback", Map.of("release", "--all")))
                .isInstanceOf(InvalidParameters.class).hasMessage("release must not start with '-'");
        assertThatThrownBy(() -> plan("restart-connector", Map.of("connector", "-x")))
                .isInstanceOf(InvalidParameters.class).hasMessage("connector must not start with '-'");
    }

    @Test
    void shellMetacharactersStayOneWholeArgumentOfTheProgram() throws Exception {
        ActionPlan plan = plan("rollback", Map.of("release", "web; rm -rf / $(id) `id` | cat > /tmp/x"));

        assertThat(plan.argv()).containsExactly("helm", "rollback", "web; rm -rf / $(id) `id` | cat > /tmp/x");
        assertThat(plan.whatRuns()).isEqualTo("helm rollback 'web; rm -rf / $(id) `id` | cat > /tmp/x'");
    }

    @Test
    void controlCharactersAreRefused() {
        assertThatThrownBy(() -> plan("rollback", Map.of("release", "web\trm")))
                .isInstanceOf(InvalidParameters.class).hasMessageContaining("control characters");
    }

    @Test
    void everyBadValueIsNamedWithWhyAndUnknownNamesGetASuggestion() {
        assertThatThrownBy(() -> plan("sync", Map.of("tabel", "orders", "batch", "5", "mode", "everything")))
                .isInstanceOf(InvalidParameters.class)
                .satisfies(e -> assertThat(((InvalidParameters) e).problems()).containsExactly(
                        "tabel is not a parameter of sync (it takes table, batch, mode); did you mean table?",
                        "table is required",
                        "batch must be between 10 and 1000",
                        "mode must be one of incremental, full"));
    }

    @Test
    void defaultsApplyAndBodyValuesAreJsonEscaped() throws Exception {
        ActionPlan plan = plan("sync", Map.of("table", "orders", "mode", "full"));

        assertThat(plan.params()).containsExactly(Map.entry("table", "orders"), Map.entry("batch", "100"), Map.entry("mode", "full"));
        assertThat(plan.http().orElseThrow().body()).contains("{\"table\": \"orders\", \"mode\": \"full\", \"batch\": 100}");
    }

    @Test
    void theHashChangesWithAnyValueAndNotWithTheOrderTheyWereTyped() throws Exception {
        String a = plan("sync", Map.of("table", "orders", "mode", "full")).hash();
        String b = plan("sync", new java.util.TreeMap<>(Map.of("mode", "full", "table", "orders"))).hash();
        String c = plan("sync", Map.of("table", "orders", "mode", "incremental")).hash();

        assertThat(a).isEqualTo(b).isNotEqualTo(c).hasSize(64);
    }
}
