package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SocketDiskSqlCheckTest {
    @TempDir
    Path dir;

    @Test
    void aListeningPortIsOkWithItsConnectTime() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CheckResult r = Checks.run(new Check("port", new TcpKind.Tcp("127.0.0.1", server.getLocalPort())).withCrit("> 5s"));

            assertThat(r.status()).isEqualTo(Status.OK);
            assertThat(r.observed()).get().asString().endsWith(" ms");
        }
    }

    @Test
    void aClosedPortIsAnErrorSayingTheConnectionWasRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CheckResult r = Checks.run(new Check("port", new TcpKind.Tcp("127.0.0.1", port)));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).startsWith("connection refused");
    }

    @Test
    void diskUsageIsAPercentageComparedWithThresholds() {
        CheckResult ok = Checks.run(new Check("disk", new DiskKind.Disk(dir.toString())).withCrit("> 100%"));
        CheckResult crit = Checks.run(new Check("disk", new DiskKind.Disk(dir.toString())).withCrit(">= 0%"));

        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.value()).get().satisfies(v -> assertThat(v).isBetween(0.0, 100.0));
        assertThat(ok.observed()).get().asString().endsWith("%");
        assertThat(crit.status()).isEqualTo(Status.CRIT);
        assertThat(crit.threshold()).contains("crit >= 0%");
    }

    @Test
    void aDiskPathThatDoesNotExistIsAnErrorSayingWhereItLooked() {
        CheckResult r = Checks.run(new Check("disk", new DiskKind.Disk(dir.resolve("nope").toString())));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("does not exist where the bot runs");
    }

    private String sqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("app.db");
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            s.execute("CREATE TABLE extractions (center TEXT, ok INTEGER)");
            s.execute("INSERT INTO extractions VALUES ('a', 1), ('b', 1), ('c', 0)");
        }
        return url;
    }

    @Test
    void aQueryReturningANumberIsComparedWithThresholds() throws Exception {
        SqlKind.Sql probe = new SqlKind.Sql(sqlite(), "SELECT SUM(ok) FROM extractions", Optional.empty(), Optional.empty());

        CheckResult r = Checks.run(new Check("centers", probe).withWarn("< 3").withCrit("< 1"));

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.value()).contains(2.0);
        assertThat(r.threshold()).contains("warn < 3");
    }

    @Test
    void aQueryReturningNoRowsIsAnErrorSayingSo() throws Exception {
        SqlKind.Sql probe = new SqlKind.Sql(sqlite(), "SELECT ok FROM extractions WHERE center = 'z'", Optional.empty(), Optional.empty());

        CheckResult r = Checks.run(new Check("centers", probe));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).isEqualTo("the query returned no rows; it must return one number");
    }

    @Test
    void aQueryThatRunsTooLongIsStoppedAtItsTimeout() throws Exception {
        String endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n";
        SqlKind.Sql probe = new SqlKind.Sql(sqlite(), endless, Optional.empty(), Optional.empty());
        long start = System.nanoTime();

        CheckResult r = Checks.run(new Check("endless", probe).withTimeout(Duration.ofSeconds(1)));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("timeout after 1 s");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
    }

    @Test
    void aDatabasePasswordNeverAppearsInTheMessage() {
        SqlKind.Sql probe = new SqlKind.Sql("jdbc:postgresql://127.0.0.1:1/db?password=pa55word", "SELECT 1",
                Optional.of("u"), Optional.of("other-pa55"));

        CheckResult r = Checks.run(new Check("db", probe).withTimeout(Duration.ofSeconds(2)));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).doesNotContain("pa55word").doesNotContain("other-pa55");
        assertThat(probe.describe()).isEqualTo("SELECT 1 on jdbc:postgresql://127.0.0.1:1/db?password=***");
    }
}
