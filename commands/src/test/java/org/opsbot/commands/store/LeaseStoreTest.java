package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseStoreTest {
    private static final Duration TTL = Duration.ofSeconds(15);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onlyOneReplicaHoldsALeaseUntilItExpires(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            LeaseStore leases = new LeaseStore(db, clock);

            assertThat(leases.acquire("outbox", "a", TTL)).isTrue();
            assertThat(leases.acquire("outbox", "b", TTL)).isFalse();
            assertThat(leases.acquire("outbox", "a", TTL)).as("the holder renews").isTrue();

            clock.advance(TTL.plusSeconds(1));
            assertThat(leases.acquire("outbox", "b", TTL)).as("b takes over after a stopped renewing").isTrue();
            assertThat(leases.acquire("outbox", "a", TTL)).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aReleasedLeaseIsFreeAtOnce(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            LeaseStore leases = new LeaseStore(db, clock);
            leases.acquire("outbox", "a", TTL);
            leases.release("outbox", "a");
            assertThat(leases.acquire("outbox", "b", TTL)).isTrue();
        }
    }
}
