package org.opsbot.bot.checks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One message per run: posted at once, updated as checks finish, replaced by the report. */
class ChannelRunTest {
    @TempDir
    Path dir;

    private final Database db = Database.open(TestDatabases.sqliteUrl());
    private final RecordingOutbox outbox = new RecordingOutbox();

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theMessageCountsChecksAsTheyFinishAndEndsWithTheReport() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve("disks.yaml"), """
                name: disks
                team: ops
                checks:
                  - {name: One, disk: {path: "%1$s"}}
                  - {name: Two, disk: {path: "%1$s"}}
                  - {name: Three, disk: {path: "%1$s"}, crit: ">= 0%%"}
                """.formatted(dir));
        Settings settings = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Settings.DEFAULT_SLACK_API_URL,
                0, "jdbc:sqlite::memory:", dir.resolve("opsbot.yaml"), folder, dir, List.of());
        Runbooks runbooks = Runbooks.open(settings, Map.of(), db, Clock.systemUTC());
        ChannelRun runs = new ChannelRun(runbooks.checks(), outbox, Runnable::run);

        runs.start(runbooks.catalog().find("disks").orElseThrow(), "U0ALICE001", "C0OPS00001");

        List<RecordingOutbox.Call> calls = outbox.calls();
        assertThat(calls).extracting(RecordingOutbox.Call::method).containsExactly("post", "update", "update", "update");
        assertThat(calls.get(0).target()).isEqualTo("C0OPS00001");
        assertThat(calls.get(0).message().text()).isEqualTo("Running disks: 0/3 checks done…");
        assertThat(calls.get(1).message().text()).isEqualTo("Running disks: 1/3 checks done…");
        assertThat(calls.get(2).message().text()).isEqualTo("Running disks: 2/3 checks done…");
        assertThat(calls.get(3).message().text()).startsWith("disks: CRIT — 2/3 OK, 1 CRIT\nCRIT Three: ");
        assertThat(calls.subList(1, 4)).extracting(RecordingOutbox.Call::target).containsOnly("1");
    }

    @Test
    void inAThreadTheRunIsOneReplyToTheParentUpdatedUntilItHoldsTheReport() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve("disks.yaml"), """
                name: disks
                team: ops
                checks:
                  - {name: One, disk: {path: "%1$s"}}
                  - {name: Two, disk: {path: "%1$s"}}
                """.formatted(dir));
        Settings settings = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Settings.DEFAULT_SLACK_API_URL,
                0, "jdbc:sqlite::memory:", dir.resolve("opsbot.yaml"), folder, dir, List.of());
        Runbooks runbooks = Runbooks.open(settings, Map.of(), db, Clock.systemUTC());
        ChannelRun runs = new ChannelRun(runbooks.checks(), outbox, Runnable::run);

        runs.startInThread(runbooks.catalog().find("disks").orElseThrow(), "U0ALICE001", 42);

        List<RecordingOutbox.Call> calls = outbox.calls();
        assertThat(calls).extracting(RecordingOutbox.Call::method).containsExactly("reply", "update", "update");
        assertThat(calls.get(0).target()).isEqualTo("42");
        assertThat(calls.get(0).message().text()).isEqualTo("Running disks: 0/2 checks done…");
        assertThat(calls.get(2).message().text()).startsWith("disks: OK — 2/2 OK");
        assertThat(calls.subList(1, 3)).extracting(RecordingOutbox.Call::target).containsOnly("1");
    }
}
