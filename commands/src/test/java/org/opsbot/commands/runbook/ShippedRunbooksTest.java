package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.HttpKind;
import org.opsbot.commands.check.SqlKind;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShippedRunbooksTest {
    private static final Path FOLDER = Path.of("..", "runbooks");

    @Test
    void everyShippedRunbookValidatesWithNothingConfigured() {
        RunbookCatalog catalog = RunbookCatalog.load(FOLDER, Map.of(), ExecAllowList.none());

        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.all()).extracting(Runbook::name).containsExactly(
                "analytics-morning", "cdc-morning", "data-import-morning", "ivoris-extraction", "local", "meltano-oracle-morning",
                "opsbot");
    }

    @Test
    void theSeedsProceduresShipAsTheirManualsWriteThem() {
        RunbookCatalog catalog = RunbookCatalog.load(FOLDER, Map.of(), ExecAllowList.none());

        // Seed 003: a failed connector is read about, fixed, restarted under approval and checked again.
        Procedure recover = catalog.find("cdc-morning").orElseThrow().procedure("recover-connector").orElseThrow();
        assertThat(recover.params()).containsExactly("connector");
        assertThat(recover.steps()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("Manual", "Manual", "ActionStep", "Checks", "Checks", "Manual");
        assertThat(recover.steps().get(2)).isEqualTo(new Procedure.ActionStep("restart-connector", Map.of()));
        // Seed 000: the six deployment steps in order, the environment and the result checked.
        Procedure deploy = catalog.find("meltano-oracle-morning").orElseThrow().procedure("deploy").orElseThrow();
        assertThat(deploy.steps()).filteredOn(Procedure.Manual.class::isInstance).extracting(Procedure.Step::describe)
                .extracting(t -> t.substring(0, 2)).containsExactly("1.", "2.", "3.", "4.", "5.", "6.");
        assertThat(deploy.steps().getLast()).isEqualTo(new Procedure.Checks(java.util.List.of()));
    }

    @Test
    void theExecExamplesValidateOnceTheirProgramsAreAllowedAndOnlyThen() {
        Path exec = FOLDER.resolve("exec");

        RunbookCatalog allowed = RunbookCatalog.load(exec, Map.of(), ExecAllowList.of("make", "kubectl"));
        assertThat(allowed.problems()).isEmpty();
        assertThat(allowed.find("ivoris-deploy").orElseThrow().action("rollback-deployment").orElseThrow().exec().orElseThrow()
                .args()).containsExactly("rollout", "undo", "--namespace", "ivoris", "deployment", "{{deployment}}");
        assertThat(allowed.find("meltano-oracle-sync").orElseThrow().actions()).extracting(Action::id)
                .containsExactly("stop-sync", "incremental-sync", "full-sync");
        assertThat(allowed.find("meltano-oracle-sync").orElseThrow().procedure("deploy").orElseThrow().steps())
                .filteredOn(Procedure.ActionStep.class::isInstance)
                .containsExactly(new Procedure.ActionStep("stop-sync", Map.of()), new Procedure.ActionStep("incremental-sync", Map.of()));
        assertThat(RunbookCatalog.load(exec, Map.of(), ExecAllowList.none()).problems())
                .anySatisfy(p -> assertThat(p.toString()).contains("not allow-listed"));
    }

    @Test
    void theBotsOwnRunbookChecksItsPortFromTheEnvironment() {
        RunbookCatalog catalog = RunbookCatalog.load(FOLDER, Map.of("OPSBOT_PORT", "9999"), ExecAllowList.none());

        Runbook opsbot = catalog.find("opsbot").orElseThrow();
        assertThat(opsbot.checks().get(0).probe()).isInstanceOfSatisfying(HttpKind.Http.class,
                http -> assertThat(http.url()).isEqualTo("http://localhost:9999/health/live"));
    }

    @Test
    void theLocalRunbookLooksOnlyAtWhatATerminalSeesAndTheDatabaseOfOpsbotDb() {
        RunbookCatalog catalog = RunbookCatalog.load(FOLDER, Map.of("OPSBOT_DB", "jdbc:sqlite:/srv/opsbot.db"),
                ExecAllowList.none());

        Runbook local = catalog.find("local").orElseThrow();
        assertThat(local.checks()).noneMatch(c -> c.probe() instanceof HttpKind.Http);
        assertThat(local.checks().get(0).probe()).isInstanceOfSatisfying(SqlKind.Sql.class,
                sql -> assertThat(sql.url()).isEqualTo("jdbc:sqlite:/srv/opsbot.db"));
    }

    @Test
    void theCdcRunbookChecksEveryTaskOfEachConnector() {
        Runbook cdc = RunbookCatalog.load(FOLDER, Map.of("KAFKA_CONNECT_URL", "http://connect:8083"), ExecAllowList.none())
                .find("cdc-morning").orElseThrow();

        assertThat(cdc.checks()).filteredOn(c -> c.name().endsWith("tasks running")).hasSize(2)
                .allSatisfy(c -> assertThat(((HttpKind.Http) c.probe()).json()).contains("/tasks/*/state"))
                .first().satisfies(c -> assertThat(c.probe().describe())
                        .isEqualTo("GET http://connect:8083/connectors/sqlserver-source-connector/status: /tasks/*/state = RUNNING"));
        assertThat(cdc.action("restart-connector")).get().satisfies(a -> {
            assertThat(a.http().orElseThrow().url()).startsWith("http://connect:8083/connectors/{{connector}}/restart");
            assertThat(a.approval()).isPresent();
        });
    }
}
