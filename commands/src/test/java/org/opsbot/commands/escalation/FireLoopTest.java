package org.opsbot.commands.escalation;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class FireLoopTest {
    private final AtomicReference<List<String>> fires = new AtomicReference<>(List.of());
    private final AtomicReference<Optional<Duration>> next = new AtomicReference<>(Optional.empty());
    private final List<String> told = new ArrayList<>();
    private boolean lease = true;
    private final FireLoop loop = new FireLoop(() -> lease, fires::get, next::get, told::add);

    @Test
    void nothingPendingWaitsTheLongestWait() {
        assertThat(loop.round()).isEqualTo(FireLoop.MAX_WAIT);
    }

    @Test
    void aWalkDueSoonIsWaitedForExactly() {
        next.set(Optional.of(Duration.ofMillis(120)));
        assertThat(loop.round()).isEqualTo(Duration.ofMillis(120));
        next.set(Optional.of(Duration.ofMinutes(30)));
        assertThat(loop.round()).as("but never longer than MAX_WAIT: a walk opened meanwhile is due at once")
                .isEqualTo(FireLoop.MAX_WAIT);
    }

    @Test
    void aBacklogIsWorkedOffWithoutPausing() {
        fires.set(List.of("alert-group:1", "alert-group:2"));
        next.set(Optional.of(Duration.ofMillis(-5)));
        assertThat(loop.round()).isZero();
        assertThat(told).containsExactly("alert-group:1", "alert-group:2");
    }

    @Test
    void dueButNothingFiredPausesBriefly() {
        next.set(Optional.of(Duration.ofMillis(-5)));
        assertThat(loop.round()).isPositive().isLessThan(FireLoop.MAX_WAIT);
    }

    @Test
    void withoutTheLeaseNothingIsFired() {
        lease = false;
        fires.set(List.of("alert-group:1"));
        assertThat(loop.round()).isEqualTo(FireLoop.MAX_WAIT);
        assertThat(told).isEmpty();
    }
}
