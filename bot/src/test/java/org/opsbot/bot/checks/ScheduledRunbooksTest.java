package org.opsbot.bot.checks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.opsbot.commands.store.ScheduleStore;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler and the runbook schedules, on a clock the test turns. */
class ScheduledRunbooksTest {
    @TempDir
    Path dir;

    private final Database db = Database.open(TestDatabases.sqliteUrl());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T05:58:00Z"));
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final OpsbotConfig config = ConfigLoader.bundledExample().require();
    private Runbooks runbooks;

    @BeforeEach
    void aRunbookAtSixEveryMorningAndOneForTheTeamsChannel() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve("morning.yaml"), """
                name: morning
                team: cdc
                schedule:
                  - {cron: "0 6 * * *", time-zone: UTC, channel: "#morning"}
                checks:
                  - {name: Disk, disk: {path: "%s"}}
                """.formatted(dir));
        Files.writeString(folder.resolve("team.yaml"), """
                name: team
                team: extraction
                schedule:
                  - {cron: "0 7 * * *", time-zone: Europe/Berlin}
                checks:
                  - {name: Disk, disk: {path: "%s"}}
                """.formatted(dir));
        Settings settings = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Settings.DEFAULT_SLACK_API_URL,
                0, "jdbc:sqlite::memory:", dir.resolve("opsbot.yaml"), folder, dir, List.of());
        runbooks = Runbooks.open(settings, Map.of(), db, clock);
    }

    /** The job as the replica {@code holder} runs it, posting to {@code outbox}. */
    private ScheduledRunbooks job(String holder, Outbox outbox) {
        return new ScheduledRunbooks(runbooks.catalog(), new RunbookSchedules(db, holder),
                new ChannelRun(runbooks.checks(), outbox, Runnable::run), () -> config);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Scheduler scheduler(String holder) {
        return scheduler(holder, job(holder, outbox));
    }

    private Scheduler scheduler(String holder, ScheduledRunbooks job) {
        return new Scheduler(new LeaseStore(db, clock), clock, Duration.ofSeconds(5), List.of(job), holder);
    }

    private List<String> postsTo(String channel) {
        return outbox.calls().stream().filter(c -> c.method().equals("post") && c.target().equals(channel))
                .map(c -> c.message().text()).toList();
    }

    @Test
    void aScheduleFiresAtItsTimeOnceHoweverOftenTheLoopTicks() {
        Scheduler scheduler = scheduler("replica-a");
        scheduler.tick();
        assertThat(outbox.calls()).isEmpty();

        clock.advance(Duration.ofMinutes(2).plusSeconds(3));
        scheduler.tick();
        scheduler.tick();
        clock.advance(Duration.ofSeconds(50));
        scheduler.tick();

        assertThat(postsTo("#morning")).containsExactly("Running morning: 0/1 checks done…");
    }

    @Test
    void runsMissedWhileTheBotWasDownRunOnceNotOncePerMissedTime() {
        scheduler("replica-a").tick();

        clock.advance(Duration.ofDays(3).plusHours(2));
        Scheduler back = scheduler("replica-b");
        back.tick();
        back.tick();

        assertThat(postsTo("#morning")).hasSize(1);
        assertThat(new ScheduleStore(db).lastFired("morning"))
                .containsEntry("0 6 * * * UTC", Instant.parse("2026-11-23T06:00:00Z"));
    }

    @Test
    void withTwoReplicasOnlyTheLeaseHolderFires() {
        Scheduler a = scheduler("replica-a");
        Scheduler b = scheduler("replica-b");
        a.tick();
        b.tick();

        clock.advance(Duration.ofMinutes(3));
        b.tick();
        a.tick();

        assertThat(postsTo("#morning")).hasSize(1);
        assertThat(outbox.calls()).filteredOn(c -> c.method().equals("update") && c.message().text().startsWith("morning"))
                .singleElement().satisfies(c -> assertThat(c.message().text()).isEqualTo("morning: OK — 1/1 OK"));
    }

    @Test
    void aScheduleWithoutAChannelPostsToItsTeamsChannel() {
        Scheduler scheduler = scheduler("replica-a");
        scheduler.tick();

        clock.advance(Duration.ofHours(1)); // 07:00 in Berlin is 06:00 UTC in November
        scheduler.tick();

        assertThat(postsTo("#extraction-alerts")).hasSize(1);
    }

    @Test
    void aRunClaimedByAReplicaKilledBeforeStartingItIsRunByTheNextLeaseHolder() {
        scheduler("replica-a").tick();
        clock.advance(Duration.ofMinutes(2).plusSeconds(3));
        // replica-a wins the 06:00 claim and dies before the run's message is written.
        Scheduler dying = scheduler("replica-a", job("replica-a", new KilledOutbox()));
        dying.tick();
        assertThat(outbox.calls()).isEmpty();

        Scheduler b = scheduler("replica-b");
        assertThat(b.tick()).as("the dead holder's lease has not run out yet").isFalse();
        clock.advance(Duration.ofSeconds(16));
        b.tick();
        b.tick();
        clock.advance(Duration.ofMinutes(1));
        b.tick();

        assertThat(postsTo("#morning")).containsExactly("Running morning: 0/1 checks done…");
        assertThat(outbox.calls()).filteredOn(c -> c.method().equals("update") && c.message().text().startsWith("morning"))
                .singleElement().satisfies(c -> assertThat(c.message().text()).isEqualTo("morning: OK — 1/1 OK"));
    }

    @Test
    void aRunWhoseFirstMessageCouldNotBeWrittenStartsOnTheNextTick() {
        scheduler("replica-a").tick();
        clock.advance(Duration.ofMinutes(2).plusSeconds(3));
        scheduler("replica-a", job("replica-a", new KilledOutbox())).tick();

        clock.advance(Duration.ofSeconds(5));
        Scheduler again = scheduler("replica-a");
        again.tick();
        again.tick();

        assertThat(postsTo("#morning")).containsExactly("Running morning: 0/1 checks done…");
    }

    /** Stands in for a process killed at the moment it would write the run's first message. */
    private static final class KilledOutbox implements Outbox {
        private static long killed() {
            throw new IllegalStateException("killed");
        }

        @Override
        public long post(String channel, SlackMessage message) {
            return killed();
        }

        @Override
        public long postOnce(String key, String channel, SlackMessage message) {
            return killed();
        }

        @Override
        public long reply(long parentId, SlackMessage message) {
            return killed();
        }

        @Override
        public long reply(String channel, String threadTs, SlackMessage message) {
            return killed();
        }

        @Override
        public long update(long messageId, SlackMessage message) {
            return killed();
        }

        @Override
        public long ephemeral(String channel, String user, SlackMessage message) {
            return killed();
        }

        @Override
        public long createChannel(String name, java.util.List<String> invite, String purpose) {
            return killed();
        }

        @Override
        public long shareFile(String channel, String fileName, String title, String content, String requestedBy) {
            return killed();
        }

        @Override
        public long shareBytes(String channel, String fileName, String title, byte[] content, String requestedBy) {
            return killed();
        }

        @Override
        public long publishHome(String user, com.slack.api.model.view.View view) {
            return killed();
        }

        @Override
        public long setUsergroup(String handle, List<String> members) {
            return killed();
        }

        @Override
        public java.util.Optional<List<String>> lastUsergroup(String handle) {
            return java.util.Optional.empty();
        }

        @Override
        public long shareBytesOnce(String key, String channel, String fileName, String title, byte[] content) {
            return killed();
        }

        @Override
        public Outbox onBehalfOf(String user) {
            return this;
        }

        @Override
        public void onChannels(String purposePrefix, org.opsbot.bot.outbox.ChannelListener listener) {
        }
    }
}
