package org.opsbot.commands.home;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.model.HomeViewer;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Whose Home is kept up to date, and when a refresh is due. */
class HomeViewersTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onlyThoseWhoOpenedTheHomeAreRefreshedAndOnlyForAChangeAfterTheGap(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            HomeViewers viewers = new HomeViewers(db, clock);
            assertThat(viewers.all()).isEmpty();

            viewers.opened("U0ALICE001");
            viewers.opened("U0ALICE001");
            assertThat(viewers.all()).extracting(HomeViewer::userId).containsExactly("U0ALICE001");
            assertThat(viewers.refreshDue(viewers.all().getFirst(), "a")).as("never published").isTrue();

            viewers.published("U0ALICE001", "a");
            HomeViewer alice = viewers.all().getFirst();
            assertThat(viewers.refreshDue(alice, "a")).as("nothing changed").isFalse();
            assertThat(viewers.refreshDue(alice, "b")).as("changed, but within the gap").isFalse();
            clock.advance(HomeViewers.MIN_GAP.minus(Duration.ofMillis(1)));
            assertThat(viewers.refreshDue(alice, "b")).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(viewers.refreshDue(alice, "b")).isTrue();
            assertThat(viewers.refreshDue(alice, "a")).as("still nothing changed").isFalse();
        }
    }
}
