package org.opsbot.bot.replicas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.commands.store.OverrideStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hand-offs with two replicas on one PostgreSQL database, and across a restart: an override is a
 * hand-off, its notice and its announcement go out once, and one missed while every replica was
 * down is sent late (by the two replicas started next) while its shift runs and never once it is over. The schedule's user group,
 * {@code @oncall-now}, follows each hand-off with one {@code usergroups.users.update}: never one
 * per replica, never asked again after the restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(BotProcess.PrintLogs.class)
class HandOffReplicasEndToEndTest {
    private static final String COVER = "U0COVER001";
    private static final String LATE = "U0LATE0001";
    private static final String MISSED = "U0MISSED01";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Replicas replicas;

    @BeforeAll
    void start() {
        replicas = Replicas.onPostgres("hand-offs");
    }

    @AfterAll
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    private List<String> announcements() {
        return replicas.slack.posts("#oncall").stream().map(c -> String.valueOf(c.get("text")))
                .filter(t -> t.contains("open alert group")).toList();
    }

    private List<String> notices(String user) {
        return replicas.slack.directMessages(user).stream().map(c -> String.valueOf(c.get("text")))
                .filter(t -> t.contains("You are on call")).toList();
    }

    /** Waits until the replica holding the scheduler's lease has renewed it {@code n} more times: it ran that many rounds. */
    private void awaitSchedulerRounds(int n) {
        for (int i = 0; i < n; i++) {
            String before = schedulerLease();
            replicas.await("another scheduler round", WAIT, () -> !schedulerLease().equals(before));
        }
    }

    private String schedulerLease() {
        return replicas.db.read(h -> h.createQuery("SELECT holder || ' ' || expires_at FROM lease WHERE name = 'scheduler'")
                .mapTo(String.class).findOne().orElse(""));
    }

    @Test
    void anOverrideIsHandedOffOnceByTwoReplicasAndOneMissedWhileDownIsSentLateOnlyWhileItRuns() throws Exception {
        List<BotProcess> both = replicas.start("hand-offs-a", "hand-offs-b");
        // Each replica's first round sees the running shift; it began before them and is not announced.
        replicas.await("the running shift to be recorded", WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE schedule = 'oncall'") > 0);
        replicas.await("@oncall-now set to whoever has this week", WAIT, () -> !replicas.slack.usergroupUpdates().isEmpty());
        String weekly = replicas.slack.usergroupUpdates().get(0);
        assertThat(weekly).isIn("U0ONCALL01", "U0ONCALL02");

        assertThat(replicas.slash(both.get(1), Replicas.LEAD1, "override oncall <@" + COVER + "|cover> 1h").statusCode())
                .isEqualTo(200);
        replicas.await("Cover's notice and the announcement", WAIT,
                () -> notices(COVER).size() == 1 && announcements().size() == 1);
        replicas.await("every hand-off to be sent", WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE done_at IS NULL") == 0);
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(notices(COVER)).singleElement().asString().contains("schedule `oncall`").contains("(oncall)")
                .contains("taking over from <@U0ONCALL0").contains("No alert groups are open.");
        assertThat(announcements()).singleElement().asString().startsWith(":arrows_counterclockwise: <@" + COVER
                + "> is on call for oncall until ").endsWith("· 0 open alert groups");
        replicas.await("@oncall-now set to Cover", WAIT, () -> replicas.slack.usergroupUpdates().contains(COVER));
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(replicas.slack.usergroupUpdates()).as("one update per change, whichever replica holds the lease")
                .containsExactly(weekly, COVER);

        both.forEach(BotProcess::stop);
        // While no replica runs: one override runs now and outlasts Cover's (made later, it wins), one came and went.
        OverrideStore overrides = new OverrideStore(replicas.db, Clock.systemUTC());
        Instant now = Instant.now();
        overrides.add("oncall", MISSED, now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(40)), Replicas.LEAD1);
        overrides.add("oncall", LATE, now, now.plus(Duration.ofHours(2)), Replicas.LEAD1);

        replicas.start("hand-offs-c", "hand-offs-d");
        replicas.await("Late's notice and announcement, sent late", WAIT,
                () -> notices(LATE).size() == 1 && announcements().size() == 2);
        replicas.await("every hand-off to be sent", WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE done_at IS NULL") == 0);
        replicas.awaitOutboxEmpty(WAIT);

        assertThat(notices(MISSED)).isEmpty();
        assertThat(notices(COVER)).hasSize(1);
        assertThat(announcements()).hasSize(2).last().asString().contains("<@" + LATE + "> is on call for oncall");
        assertThat(replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE user_id = '" + MISSED + "'")).isZero();
        replicas.await("@oncall-now set to Late", WAIT, () -> replicas.slack.usergroupUpdates().contains(LATE));
        awaitSchedulerRounds(2);
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(replicas.slack.usergroupUpdates()).as("Late now; Missed's override was over before anyone could set it")
                .containsExactly(weekly, COVER, LATE);
    }
}
