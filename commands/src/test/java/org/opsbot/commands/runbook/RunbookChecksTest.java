package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.DiskKind;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.model.Status;
import org.opsbot.commands.store.CheckRunStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunbookChecksTest {
    @TempDir
    Path dir;

    @Test
    void aRunIsReportedAsItGoesThenStoredAndAudited() {
        try (Database db = Database.open(TestDatabases.sqliteUrl())) {
            CheckRunStore store = new CheckRunStore(db);
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            RunbookChecks checks = new RunbookChecks(new CheckRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(),
                    SecretMasker.of(), Clock.systemUTC()), store, audit);
            Runbook runbook = new Runbook("local", "Local", "ops", Optional.empty(), List.of(),
                    List.of(new Check("disk", new DiskKind.Disk(dir.toString())).withCrit("> 100%"),
                            new Check("missing", new DiskKind.Disk(dir.resolve("nope").toString()))),
                    List.of(), List.of(), Path.of("local.yaml"));
            List<String> progress = new ArrayList<>();

            RunbookChecks.RecordedRun run = checks.run(runbook, "U0ALICE001", (r, done, total) -> progress.add(done + "/" + total));

            assertThat(progress).containsExactly("1/2", "2/2");
            assertThat(run.report().status()).isEqualTo(Status.ERROR);
            assertThat(store.find(run.id())).contains(run.report());
            assertThat(audit.latest(1)).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("U0ALICE001");
                assertThat(e.action()).isEqualTo("check.run");
                assertThat(e.subject()).isEqualTo("local");
                assertThat(e.details()).containsEntry("summary", "1/2 OK, 1 ERROR");
            });
        }
    }
}
