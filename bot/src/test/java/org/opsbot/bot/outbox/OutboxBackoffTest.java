package org.opsbot.bot.outbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the outbox waits between tries of one call. The storm test in
 * {@code org.opsbot.bot.faults} shows the first message arriving soon after a short outage; this
 * shows why that holds after a long one too: while Slack cannot be reached at all, no wait
 * grows past {@link OutboxWorker#MAX_UNREACHABLE_BACKOFF}.
 */
class OutboxBackoffTest {

    @Test
    void anUnreachableSlackIsTriedAtLeastEveryTenSecondsHoweverLongItHasBeenAway() {
        for (int attempts = 1; attempts <= 50; attempts++) {
            assertThat(OutboxWorker.backoff(attempts, OutboxWorker.MAX_UNREACHABLE_BACKOFF))
                    .isLessThanOrEqualTo(Duration.ofSeconds(10));
        }
        assertThat(OutboxWorker.backoff(1, OutboxWorker.MAX_UNREACHABLE_BACKOFF)).isLessThan(Duration.ofMillis(1_300));
    }

    @Test
    void errorsSlackItselfReturnsBackOffFurtherUpToFiveMinutes() {
        assertThat(OutboxWorker.backoff(8, OutboxWorker.MAX_BACKOFF)).isGreaterThan(Duration.ofSeconds(100));
        assertThat(OutboxWorker.backoff(50, OutboxWorker.MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(5));
    }
}
