package org.opsbot.bot.background;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void theWaitDoublesWithEachFailureUpToTheCapPlusUpToTheJitter() {
        Backoff pagerRetries = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2);
        long[] seconds = {5, 10, 20, 40, 80, 160, 300, 300};
        for (int attempt = 1; attempt <= seconds.length; attempt++) {
            for (int i = 0; i < 50; i++) {
                assertThat(pagerRetries.delay(attempt)).as("after failure %d", attempt)
                        .isBetween(Duration.ofSeconds(seconds[attempt - 1]), Duration.ofMillis(seconds[attempt - 1] * 1200));
            }
        }
    }

    @Test
    void aWaitSpreadAroundTheDoublingStaysWithinTheJitterEitherSideAndNeverPassesTheCap() {
        Backoff outboxRetries = Backoff.around(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);
        long[] seconds = {1, 2, 4, 8, 16, 32, 64, 128};
        boolean below = false;
        boolean above = false;
        for (int attempt = 1; attempt <= seconds.length; attempt++) {
            for (int i = 0; i < 50; i++) {
                Duration wait = outboxRetries.delay(attempt);
                assertThat(wait).as("after failure %d", attempt)
                        .isBetween(Duration.ofMillis(seconds[attempt - 1] * 800), Duration.ofMillis(seconds[attempt - 1] * 1200));
                below |= wait.toMillis() < seconds[attempt - 1] * 1000;
                above |= wait.toMillis() > seconds[attempt - 1] * 1000;
            }
        }
        assertThat(below).as("some waits fall short of the doubling").isTrue();
        assertThat(above).as("some waits go past the doubling").isTrue();
        // 256 s and more, even 20 % short, is past the cap: the cap is exact, not jittered.
        for (int attempt = 10; attempt <= 60; attempt++) {
            assertThat(outboxRetries.delay(attempt)).isEqualTo(Duration.ofMinutes(5));
        }
        assertThat(outboxRetries.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void manyFailuresDoNotOverflowTheCap() {
        assertThat(new Backoff(Duration.ofHours(1), Duration.ofDays(1), 0).delay(Integer.MAX_VALUE))
                .isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aConstantBackoffWaitsTheSameAfterEveryFailure() {
        Backoff constant = Backoff.constant(Duration.ofSeconds(1));

        assertThat(constant.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(constant.delay(10)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCapBelowTheBaseOrAJitterOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
