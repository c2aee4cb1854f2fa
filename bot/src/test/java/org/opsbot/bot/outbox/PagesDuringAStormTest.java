package org.opsbot.bot.outbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.commands.model.OutboxEntry;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.TestDatabases;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack limits chat.postMessage per channel, so a storm that fills {@code #alerts} must not
 * hold back a page to a person: every channel waits only for its own limit.
 */
class PagesDuringAStormTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Clock clock = Clock.systemUTC();
    private final RateLimitedSlack slack = new RateLimitedSlack().channels("#alerts");
    private Database db;
    private SlackOutbox running;

    @BeforeEach
    void start() {
        db = Database.open(TestDatabases.sqliteUrl());
        running = SlackOutbox.start(db, Optional.of("xoxb-test"), slack.apiUrl(), Duration.ofSeconds(5), clock);
    }

    @AfterEach
    void stop() {
        running.close();
        db.close();
        slack.close();
    }

    private OutboxEntry entry(long id) {
        return new OutboxStore(db, clock).find(id).orElseThrow();
    }

    @Test
    void aPageReachesSlackAtOnceWhileTheAlertsChannelIsRateLimited() {
        Outbox outbox = running.outbox();
        // Status messages, one per service, that the storm keeps updating: chat.update has one
        // limit for the whole workspace (about 50 a minute, after a burst of 10), so their updates
        // queue up. 14 leave 4 waiting behind the burst: enough to be behind, and each costs 1.2 s.
        List<Long> statuses = IntStream.rangeClosed(1, 14)
                .mapToObj(i -> outbox.post("#status-" + i, SlackMessage.text("service " + i + ": ok"))).toList();
        Eventually.await("status messages posted", WAIT,
                () -> statuses.stream().allMatch(id -> entry(id).status() == OutboxEntry.Status.SENT));

        List<Long> alerts = IntStream.rangeClosed(1, 30)
                .mapToObj(i -> outbox.post("#alerts", SlackMessage.text("alert " + i + " firing"))).toList();
        statuses.forEach(id -> outbox.update(id, SlackMessage.text("service " + id + ": degraded")));
        Eventually.await("#alerts rate-limited by Slack", WAIT, () -> slack.rateLimited() > 0);
        Eventually.await("some updates waiting for the workspace's chat.update limit", WAIT,
                () -> slack.calls("chat.update").size() >= 10);

        long queuedAt = System.currentTimeMillis();
        long page = outbox.post("U0ONCALL1", SlackMessage.text(":rotating_light: You are paged: alert 1 firing"));
        Eventually.await("the page reaches Slack", WAIT, () -> !slack.directMessages().isEmpty());

        long tookMillis = slack.directMessages().getFirst().at() - queuedAt;
        long alertsPostedBefore = slack.channelPosts().stream().filter(c -> c.get("channel").equals("#alerts")
                && c.at() <= queuedAt + tookMillis).count();
        System.out.printf("page reached Slack %d ms after it was queued; meanwhile #alerts had %d of %d alerts, "
                        + "%d updates were sent, Slack answered 429 %d times%n",
                tookMillis, alertsPostedBefore, alerts.size(), slack.calls("chat.update").size(), slack.rateLimited());
        assertThat(tookMillis).as("ms from queueing the page to Slack receiving it").isLessThan(1_500);
        assertThat(alertsPostedBefore).as("the storm was still queued in #alerts").isLessThan(alerts.size());
        assertThat(entry(page).status()).isIn(OutboxEntry.Status.SENT, OutboxEntry.Status.PENDING);

        // The storm itself still goes out whole, once, in order; and each status ends up in its latest state.
        Eventually.await("every update sent", Duration.ofSeconds(40), () -> statuses.stream()
                .allMatch(id -> slack.calls("chat.update").stream().anyMatch(u -> u.get("text").equals("service " + id + ": degraded"))));
        List<String> alertTexts = slack.channelPosts().stream().filter(c -> c.get("channel").equals("#alerts"))
                .map(c -> c.get("text")).toList();
        assertThat(alertTexts).containsExactlyElementsOf(IntStream.rangeClosed(1, alertTexts.size())
                .mapToObj(i -> "alert " + i + " firing").toList());
        assertThat(slack.directMessages()).hasSize(1);
    }
}
