package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.AlertStorm;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A storm of 10 new alert groups in one channel, each paging its on-call person and saying so
 * in its thread, against a Slack that answers 429 whenever a channel gets two posts within a
 * second. The bot keeps to that limit itself: across the channel's top-level posts and its
 * thread notes together, with the alerts first.
 *
 * <p>10 groups make 20 posts in the one channel, so the storm outlasts Slack's one-second window
 * twenty times over, and pages for more than three times the DM posts allowed; the full-size
 * storm (50 groups) is measured by {@code SlackStormBenchmark}.
 */
class StormWithinSlacksRateLimitsTest {
    private static final int GROUPS = 10;
    // One channel at about a message a second: 10 alerts, then 10 thread notes; room for a loaded machine.
    private static final Duration BOUND = Duration.ofSeconds(90);

    private AlertStorm storm;

    @AfterEach
    void stop() {
        if (storm != null) {
            storm.close();
        }
    }

    @Test
    void aStormInOneChannelIsPostedWithinSlacksLimitAlertsFirstThenTheirThreadNotes() throws Exception {
        storm = new AlertStorm(TestDatabases.sqliteUrl(), 1, true, Optional.empty());
        RateLimitedSlack slack = storm.slack;
        long start = System.nanoTime();
        storm.send(0, GROUPS);
        try {
            Eventually.await("every alert, page and thread note in Slack", BOUND, () -> storm.parentsPerGroup().size() == GROUPS
                    && slack.pageNotes().size() >= GROUPS && !slack.pagePosts().isEmpty());
        } finally {
            System.out.printf("storm in one channel: %d alerts, %d thread notes, %d page DM posts in %d ms; 429s: %s%n",
                    storm.parentsPerGroup().size(), slack.pageNotes().size(), slack.pagePosts().size(),
                    (System.nanoTime() - start) / 1_000_000, slack.rateLimitedByMethod());
        }
        // A message posted twice would be a call still in the outbox (a retry after a 429 or a lost answer).
        Eventually.await("the outbox has sent everything", BOUND, () -> storm.outboxPending() == 0);
        assertThat(slack.rateLimited()).as("429s Slack had to answer").isLessThanOrEqualTo(2);
        assertThat(storm.parentsPerGroup()).as("each group's message, once").hasSize(GROUPS)
                .allSatisfy((g, n) -> assertThat(n).isOne());
        assertThat(slack.pageNotes()).as("each group's thread note, once").hasSize(GROUPS);
        assertThat(slack.pagePosts()).as("the on-call's pages gathered into at most 3 DM posts").hasSizeBetween(1, 3);
        assertThat(storm.postsPerOutboxMessage()).as("no outbox message posted twice").allSatisfy((id, n) -> assertThat(n).isOne());

        List<RateLimitedSlack.Call> channel = slack.channelPosts();
        long lastAlert = channel.stream().filter(c -> !c.isReply()).mapToLong(RateLimitedSlack.Call::at).max().orElseThrow();
        long notesBeforeLastAlert = slack.pageNotes().stream().filter(n -> n.at() < lastAlert).count();
        System.out.printf("thread notes posted before the storm's last alert: %d%n", notesBeforeLastAlert);
        assertThat(notesBeforeLastAlert).as("thread notes posted before the storm's last alert").isLessThanOrEqualTo(2);
    }
}
