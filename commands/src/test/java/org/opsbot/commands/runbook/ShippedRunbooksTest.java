package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.FileKind;
import org.opsbot.commands.check.HttpKind;
import org.opsbot.commands.check.PrometheusKind;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.check.SqlKind;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
    void theExecExamplesValidateOnceTheirProgramsAreAllowedAndOnlyThen() {
        Path exec = FOLDER.resolve("exec");

        RunbookCatalog allowed = RunbookCatalog.load(exec, Map.of(), ExecAllowList.of("make", "kubectl"));
        assertThat(allowed.problems()).isEmpty();
        assertThat(allowed.find("ivoris-deploy").orElseThrow().action("rollback-deployment").orElseThrow().exec().orElseThrow()
                .args()).containsExactly("rollout", "undo", "--namespace", "ivoris", "deployment", "{{deployment}}");
        assertThat(allowed.find("meltano-oracle-sync").orElseThrow().actions()).extracting(Action::id)
                .containsExactly("incremental-sync", "full-sync");
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

    @TempDir
    Path project;

    @Test
    void theMeltanoRunbookCountsTheRunsMeltanoMarkedFailAndTheErrorsOfItsLatestLog() throws Exception {
        Files.createDirectories(project.resolve(".meltano"));
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + project.resolve(".meltano/meltano.db")); var s = c.createStatement()) {
            // The columns of Meltano's runs table that the runbook reads; Meltano's State.FAIL is stored as 'FAIL'.
            s.execute("CREATE TABLE runs (id TEXT, job_name TEXT, state TEXT, started_at DATETIME, ended_at DATETIME, last_heartbeat_at DATETIME)");
            s.execute("INSERT INTO runs VALUES ('1', 'tap-oracle-to-target', 'SUCCESS', datetime('now', '-26 hours'), datetime('now', '-25 hours'), NULL)");
            s.execute("INSERT INTO runs VALUES ('2', 'tap-oracle-to-target', 'FAIL', datetime('now', '-2 hours'), datetime('now', '-1 hours'), NULL)");
        }
        Path log = project.resolve(".meltano/logs/elt/tap-oracle-to-target/2/elt.log");
        Files.createDirectories(log.getParent());
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().minus(Duration.ofHours(1)));
        Files.writeString(log, now + " [info     ] Extractor started\n" + now + " [error    ] Extraction failed: ORA-12541\n");
        Runbook meltano = RunbookCatalog.load(FOLDER, Map.of("MELTANO_PROJECT_DIR", project.toString()), ExecAllowList.none())
                .find("meltano-oracle-morning").orElseThrow();
        List<Check> checks = meltano.checks().stream()
                .filter(c -> c.name().equals("Failed sync runs (24h)") || c.name().startsWith("Errors in the latest sync log")).toList();

        RunReport report = new CheckRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(), SecretMasker.of(), Clock.systemUTC())
                .run(meltano.name(), meltano.title(), checks, "test");

        assertThat(report.results()).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).as(r.message()).isEqualTo(Status.WARN);
            assertThat(r.value()).contains(1.0);
        });
        assertThat(report.results().get(1).message()).contains("Extraction failed: ORA-12541");
    }

    @Test
    void theCdcRunbookMirrorsItsAlertRulesForAndChecksLastNightsBackup() {
        Runbook cdc = RunbookCatalog.load(FOLDER, Map.of("CDC_BACKUP_DIR", "/mnt/cdc-backups"), ExecAllowList.none())
                .find("cdc-morning").orElseThrow();

        assertThat(cdc.checks()).filteredOn(c -> c.probe() instanceof PrometheusKind.Prometheus p && p.holdFor().isPresent())
                .extracting(Check::name, c -> ((PrometheusKind.Prometheus) c.probe()).holdFor().orElseThrow())
                .containsExactly(tuple("Connector state metric", Duration.ofMinutes(5)), tuple("Replication lag", Duration.ofMinutes(10)));
        assertThat(cdc.checks()).filteredOn(c -> c.probe() instanceof FileKind.File)
                .extracting(Check::probe)
                .containsExactly(new FileKind.File("/mnt/cdc-backups/**", FileKind.Measure.AGE),
                        new FileKind.File("/mnt/cdc-backups/**", FileKind.Measure.SIZE));
    }
}
