package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.AlertStorm;
import org.opsbot.bot.testing.ClosingEdge;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack's edge (a load balancer, an egress proxy) closes every connection after one answer, with
 * or without saying so; or keeps it and closes it under the next request, before or after Slack
 * acted on it. The bot's pooled connections are then dead by the time it uses them again: a
 * storm must still be posted whole, each message once, without waiting out back-offs.
 */
class ConnectionsClosedUnderTheOutboxTest {
    private static final int GROUPS = 30;
    private static final int CHANNELS = 10;
    // Three parents per channel at Slack's one post a second: about 3 s. The bound leaves room for
    // a loaded machine but not for a back-off per post (10 s each, as before).
    private static final Duration BOUND = Duration.ofSeconds(45);

    private AlertStorm storm;

    @AfterEach
    void stop() {
        if (storm != null) {
            storm.close();
        }
    }

    @Test
    void aStormIsPostedOnceWhenSlacksEdgeClosesEachKeptAliveConnectionSilentlyAfterItsAnswer() throws Exception {
        stormIsPostedOnce(ClosingEdge.Style.SILENT, GROUPS);
    }

    @Test
    void aStormIsPostedOnceWhenSlacksEdgeAnswersConnectionClose() throws Exception {
        stormIsPostedOnce(ClosingEdge.Style.CONNECTION_CLOSE, 20);
    }

    @Test
    void aStormIsPostedOnceWhenSlacksEdgeAnswersHttp10() throws Exception {
        stormIsPostedOnce(ClosingEdge.Style.HTTP_1_0, 20);
    }

    @Test
    void aPostWhoseKeptAliveConnectionClosedUnderItBeforeSlackGotItIsPostedOnce() throws Exception {
        stormIsPostedOnce(ClosingEdge.Style.CLOSES_UNDER_THE_NEXT, 20);
        assertThat(storm.edge().orElseThrow().closedUnderRequests()).as("requests the edge closed connections under").isPositive();
    }

    @Test
    void aPostWhoseKeptAliveConnectionClosedUnderItAfterSlackActedIsNotPostedAgain() throws Exception {
        stormIsPostedOnce(ClosingEdge.Style.ACTS_THEN_CLOSES_UNDER_THE_NEXT, 20);
        assertThat(storm.edge().orElseThrow().closedUnderRequests()).as("requests the edge closed connections under").isPositive();
    }

    private void stormIsPostedOnce(ClosingEdge.Style style, int groups) throws Exception {
        storm = new AlertStorm(TestDatabases.sqliteUrl(), CHANNELS, false, Optional.of(style));
        long start = System.nanoTime();
        storm.send(0, groups);
        try {
            Eventually.await("every group's message in Slack", BOUND, () -> storm.parentsPerGroup().size() == groups);
        } finally {
            ClosingEdge edge = storm.edge().orElseThrow();
            System.out.printf("%s edge: %d of %d groups posted in %d ms; %d connections, %d answers, %d closed unanswered,"
                            + " %d closed under a request, %d 429s%n",
                    style, storm.parentsPerGroup().size(), groups, (System.nanoTime() - start) / 1_000_000,
                    edge.connections(), edge.answered(), edge.closedUnanswered(), edge.closedUnderRequests(),
                    storm.slack.rateLimited());
        }
        // Until the outbox has nothing left to send or to finish: a message posted twice would be by then.
        Eventually.await("the outbox to have nothing left to send", BOUND, () -> storm.outboxPending() == 0);
        Map<Integer, Long> parents = storm.parentsPerGroup();
        assertThat(parents).as("each group's message, posted once").hasSize(groups).allSatisfy((g, n) -> assertThat(n).isOne());
        assertThat(storm.postsPerOutboxMessage()).as("no outbox message posted twice").allSatisfy((id, n) -> assertThat(n).isOne());
    }
}
