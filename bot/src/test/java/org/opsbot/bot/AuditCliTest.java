package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.store.Database;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    @TempDir
    Path dir;

    private String databaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("opsbot.db");
    }

    private int run(String... args) {
        return new CommandLine(new Main(Map.of("OPSBOT_DB", databaseUrl())))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    private void twoEntries() {
        try (Database db = Database.open(databaseUrl())) {
            AuditLog log = new AuditLog(db, Clock.systemUTC());
            log.append("U0ALICE001", "action.request", "cdc/restart", Map.of("request", 1, "reason", "stuck"));
            log.append("U0LEAD0001", "action.approve", "cdc/restart", Map.of("request", 1));
        }
    }

    @Test
    void verifySaysTheLogIsIntactAndPrintsItsHeadHash() {
        twoEntries();

        assertThat(run("audit", "verify")).isZero();
        assertThat(out.toString()).containsPattern("OK: the audit log is intact \\(2 entries; head hash [0-9a-f]{64}\\)");
    }

    @Test
    void verifyFailsWithExitCode3AndSaysWhatWasChanged() {
        twoEntries();
        try (Database db = Database.open(databaseUrl())) {
            db.write(h -> h.execute("UPDATE audit SET details = '{\"request\":1,\"reason\":\"approved by phone\"}' WHERE seq = 1"));
        }

        assertThat(run("audit", "verify")).isEqualTo(AuditCli.TAMPERED);
        assertThat(err.toString()).contains("audit: entry 1 (action.request by U0ALICE001) was changed after it was written",
                "The audit log was changed outside opsbot");
    }

    @Test
    void exportWritesOneJsonObjectPerEntryOldestFirst() throws Exception {
        twoEntries();
        Path file = dir.resolve("audit.jsonl");

        assertThat(run("audit", "export", "-o", file.toString())).isZero();

        assertThat(Files.readAllLines(file)).hasSize(2)
                .first().asString().startsWith("{\"id\":1,\"seq\":1,").contains("\"action\":\"action.request\"");
        assertThat(err.toString()).contains("2 entries written to");
    }
}
