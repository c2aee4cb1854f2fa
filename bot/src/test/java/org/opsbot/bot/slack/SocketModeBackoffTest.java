package org.opsbot.bot.slack;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SocketModeBackoffTest {

    @Test
    void theFirstTryIsImmediateThenTheWaitDoublesWithALittleJitterUpToTheCap() {
        SocketMode.Backoff backoff = new SocketMode.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(backoff.next());
        }

        assertThat(waits.getFirst()).isZero();
        long[] base = {1, 2, 4, 8, 16, 32, 60, 60, 60};
        for (int i = 0; i < base.length; i++) {
            assertThat(waits.get(i + 1)).isBetween(Duration.ofSeconds(base[i]), Duration.ofMillis(base[i] * 1200));
        }
    }

    @Test
    void aResetStartsOverWithAnImmediateTry() {
        SocketMode.Backoff backoff = new SocketMode.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        backoff.next();
        backoff.next();
        backoff.next();

        backoff.reset();

        assertThat(backoff.next()).isZero();
        assertThat(backoff.next()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1200));
    }
}
