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
