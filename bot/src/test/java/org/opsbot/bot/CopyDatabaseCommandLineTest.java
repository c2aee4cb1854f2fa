package org.opsbot.bot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The move from SQLite to PostgreSQL as an operator does it: copy-database, then audit verify on the new one. */
class CopyDatabaseCommandLineTest {
    @TempDir
    Path dir;
    private String schema;

    @AfterEach
    void dropTheSchema() throws Exception {
        if (schema != null) {
            try (var c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); var s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void copyDatabaseMovesTheStateAndTheAuditLogVerifiesOnPostgresql() throws Exception {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "needs OPSBOT_TEST_POSTGRES_URL");
        String sqlite = "jdbc:sqlite:" + dir.resolve("opsbot.db");
        try (Database db = Database.open(sqlite)) {
            new AuditLog(db, Clock.systemUTC()).append("U0ALICE001", "test.before-move", "move", Map.of());
        }
        Map<String, String> env = Map.of("OPSBOT_DB", newPostgresSchema());

        Run copy = run(env, "copy-database", "--from", sqlite);
        Run verify = run(env, "audit", "verify");

        assertThat(copy.code()).as(copy.err()).isZero();
        assertThat(copy.out()).containsPattern("audit +1").contains("Copied ").doesNotContain("opsbot-test");
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("intact (1 entries");
    }

    @Test
    void aMistypedSqlitePathCopiesNothing() {
        Run copy = run(Map.of("OPSBOT_DB", "jdbc:postgresql://127.0.0.1:1/none"), "copy-database", "--from",
                "jdbc:sqlite:" + dir.resolve("no-such.db"));

        assertThat(copy.code()).isEqualTo(1);
        assertThat(copy.err()).contains("there is no SQLite database at");
    }

    @Test
    void theTargetMustBePostgresql() throws Exception {
        String sqlite = "jdbc:sqlite:" + dir.resolve("opsbot.db");
        Database.open(sqlite).close();

        Run copy = run(Map.of("OPSBOT_DB", "jdbc:sqlite:" + dir.resolve("other.db")), "copy-database", "--from", sqlite);

        assertThat(copy.code()).isEqualTo(1);
        assertThat(copy.err()).contains("OPSBOT_DB must name the PostgreSQL database to copy into");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private String newPostgresSchema() throws Exception {
        schema = TestDatabases.schema("copy_");
        try (var c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = TestDatabases.POSTGRES_URL;
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
