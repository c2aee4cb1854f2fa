package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FileAndLogCheckTest {
    @TempDir
    Path dir;

    private Path file(String name, int bytes, Duration age) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    private CheckResult file(String glob, FileKind.Measure measure, String crit) {
        return Checks.run(new Check("backup", new FileKind.File(dir.resolve(glob).toString(), measure)).withCrit(crit));
    }

    @Test
    void theNewestBackupsAgeIsComparedInHours() throws IOException {
        file("cdc-20261130.sql.gz", 5_000, Duration.ofHours(50));
        file("cdc-20261201.sql.gz", 5_000, Duration.ofHours(2));
        file("notes.txt", 10, Duration.ofMinutes(1));

        CheckResult fresh = file("*.sql.gz", FileKind.Measure.AGE, "> 26h");

        assertThat(fresh.status()).isEqualTo(Status.OK);
        assertThat(fresh.observed()).contains("2 h");
        assertThat(fresh.message()).contains("cdc-20261201.sql.gz").contains("newest of 2 matches");

        file("cdc-20261201.sql.gz", 5_000, Duration.ofHours(27));
        CheckResult stale = file("*.sql.gz", FileKind.Measure.AGE, "> 26h");

        assertThat(stale.status()).isEqualTo(Status.CRIT);
        assertThat(stale.observed()).contains("27 h");
        assertThat(stale.threshold()).contains("crit > 26h");
    }

    @Test
    void theSizeIsTheNewestMatchsSoATruncatedLastBackupIsCaught() throws IOException {
        file("backup-1.sql.gz", 3 << 20, Duration.ofDays(1));
        file("backup-2.sql.gz", 700, Duration.ofHours(1));

        CheckResult tiny = file("backup-*.sql.gz", FileKind.Measure.SIZE, "< 1MB");
        assertThat(tiny.status()).isEqualTo(Status.CRIT);
        assertThat(tiny.observed()).contains("700 B");
        assertThat(tiny.value()).contains(700.0);

        file("backup-3.sql.gz", (int) (1.5 * (1 << 20)), Duration.ofMinutes(5));
        CheckResult ok = file("backup-*.sql.gz", FileKind.Measure.SIZE, "< 1MB");
        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.observed()).contains("1.5 MB");
    }

    @Test
    void aGlobReachesIntoTheDirectoriesItNamesAndCountsOnlyFiles() throws IOException {
        file("2026/11/30/orders.csv", 1, Duration.ofDays(2));
        file("2026/12/01/orders.csv", 1, Duration.ofDays(1));
        file("2026/12/01/customers.csv", 1, Duration.ofDays(1));
        Files.createDirectories(dir.resolve("2026/12/02/dir.csv"));

        assertThat(file("2026/*/*/orders.csv", FileKind.Measure.COUNT, "< 1").value()).contains(2.0);
        assertThat(file("2026/**.csv", FileKind.Measure.COUNT, "< 1").value()).contains(3.0);
        assertThat(file("2026/12/01/orders.csv", FileKind.Measure.COUNT, "< 1").value()).contains(1.0);
    }

    @Test
    void noMatchIsZeroForACountAndCritForAnAgeOrSize() throws IOException {
        file("other.txt", 1, Duration.ZERO);

        CheckResult count = file("*.sql.gz", FileKind.Measure.COUNT, "< 1");
        CheckResult age = file("*.sql.gz", FileKind.Measure.AGE, "> 26h");
        CheckResult size = Checks.run(new Check("size", new FileKind.File(dir.resolve("*.gz").toString(), FileKind.Measure.SIZE)));

        assertThat(count.status()).isEqualTo(Status.CRIT);
        assertThat(count.value()).contains(0.0);
        assertThat(age.status()).isEqualTo(Status.CRIT);
        assertThat(age.message()).isEqualTo("no file matches " + dir.resolve("*.sql.gz"));
        assertThat(size.status()).isEqualTo(Status.CRIT);
    }

    @Test
    void aDirectoryThatIsNotThereIsAnErrorSayingWhereItLooked() {
        CheckResult r = file("missing/*.gz", FileKind.Measure.COUNT, "< 1");

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains(dir.resolve("missing") + " does not exist where the bot runs");
    }

    private CheckResult log(Path file, String pattern, Optional<Integer> lines, Optional<Duration> within, String warn) {
        return Checks.run(new Check("log", new LogKind.Log(file.toString(), pattern, lines, within, ZoneOffset.UTC)).withWarn(warn));
    }

    @Test
    void aWindowOfLinesCountsMatchesInTheLastLinesAndShowsTheLastOne() throws IOException {
        Path log = Files.writeString(dir.resolve("application.log"), """
                ERROR early, outside the window
                INFO started
                ERROR Connection refused to db:5432
                INFO retrying
                error lower case
                INFO ok
                """);

        CheckResult r = log(log, "(?i)error", Optional.of(4), Optional.empty(), "> 0");
        CheckResult none = log(log, "FATAL", Optional.of(4), Optional.empty(), "> 0");

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.value()).contains(2.0);
        assertThat(r.message()).isEqualTo("2 matches, last: \"error lower case\" (warn > 0)");
        assertThat(none.status()).isEqualTo(Status.OK);
        assertThat(none.message()).isEqualTo("0 matches in the last 4 lines");
    }

    @Test
    void aWindowOfMinutesGoesByEachLinesLeadingTimestampAndContinuationLinesFollowTheirs() throws IOException {
        DateTimeFormatter iso = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneId.of("Europe/Berlin"));
        Instant now = Instant.now();
        Path log = Files.writeString(dir.resolve("sync.log"), String.join("\n",
                "java.lang.IllegalStateException ERROR before any timestamp",
                iso.format(now.minus(Duration.ofHours(2)).atOffset(ZoneOffset.UTC)) + " ERROR two hours ago",
                "    at continuation of the old one ERROR",
                local.format(now.minus(Duration.ofMinutes(10))) + " ERROR ten minutes ago",
                "    at org.example.Sync.run(Sync.java:42) ERROR in its stack trace",
                local.format(now.minus(Duration.ofMinutes(1))) + " INFO fine again",
                ""));

        CheckResult r = Checks.run(new Check("log", new LogKind.Log(log.toString(), "ERROR", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), ZoneId.of("Europe/Berlin"))).withWarn("> 0"));

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.value()).contains(2.0);
        assertThat(r.observed()).get().asString().contains("ERROR in its stack trace");
    }

    @Test
    void aWindowOfMinutesOverALogWithoutTimestampsIsAnError() throws IOException {
        Path log = Files.writeString(dir.resolve("plain.log"), "ERROR one\nERROR two\n");

        CheckResult r = log(log, "ERROR", Optional.empty(), Optional.of(Duration.ofMinutes(15)), "> 0");

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("starts with a timestamp").contains("use a window of lines");
    }

    @Test
    void aHugeLogIsReadOnlyFromItsTailAndTheShownLineIsSafeForATerminal() throws IOException {
        Path log = dir.resolve("huge.log");
        try (Writer w = Files.newBufferedWriter(log)) {
            w.write("ERROR at the very start, beyond the tail\n");
            String filler = "INFO " + "x".repeat(95) + "\n";
            for (long written = 0; written < LogKind.TAIL_BYTES + (1 << 20); written += filler.length()) {
                w.write(filler);
            }
            w.write("\u001b[31mERROR\u001b[0m disk full " + "y".repeat(400) + "\n");
        }

        CheckResult r = log(log, "ERROR", Optional.of(1_000_000), Optional.empty(), "> 5");

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.value()).contains(1.0);
        assertThat(r.message()).contains("only the last 8 MB of the file are read");
        assertThat(r.observed()).get().asString().doesNotContain("\u001b").contains("\uFFFD[31mERROR").hasSizeLessThan(260);
    }

    @Test
    void aLogThatIsNotThereIsAnError() {
        CheckResult r = log(dir.resolve("nope.log"), "ERROR", Optional.of(10), Optional.empty(), "> 0");

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("does not exist where the bot runs");
    }

    @Test
    void aGlobReadsTheNewestLogItMatchesTheLatestRunsLog() throws IOException {
        Path older = file("logs/elt/sync/run-1/elt.log", 0, Duration.ZERO);
        Files.writeString(older, "[error    ] an old run failed\n");
        Files.setLastModifiedTime(older, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        Files.createDirectories(dir.resolve("logs/elt/sync/run-2"));
        Files.writeString(dir.resolve("logs/elt/sync/run-2/elt.log"), "[info     ] all good\n");

        CheckResult r = log(dir.resolve("logs/elt/*/*/elt.log"), "\\[error *\\]", Optional.of(1000), Optional.empty(), "> 0");
        CheckResult none = log(dir.resolve("logs/other/*.log"), "ERROR", Optional.of(1000), Optional.empty(), "> 0");

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.message()).isEqualTo("0 matches in the last 1000 lines of " + dir.resolve("logs/elt/sync/run-2/elt.log"));
        assertThat(none.status()).isEqualTo(Status.ERROR);
    }
}
