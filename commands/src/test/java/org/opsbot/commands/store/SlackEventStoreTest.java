package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.store.SlackEventStore.Delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlackEventStoreTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aDeliveryCountsAsHandledOnlyOnceItsHandlingCommitted(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SlackEventStore events = new SlackEventStore(db, clock);

            assertThat(events.claim("Ev1")).isEqualTo(Delivery.NEW);
            assertThat(events.claim("Ev1")).as("a retry while the first is handled").isEqualTo(Delivery.HANDLING);
            events.handled("Ev1");
            assertThat(events.claim("Ev1")).isEqualTo(Delivery.HANDLED);
            clock.advance(SlackEventStore.HANDLING.plusMinutes(5));
            assertThat(events.claim("Ev1")).as("handled stays handled").isEqualTo(Delivery.HANDLED);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRetryOfAFailedHandlingIsHandledOnce(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SlackEventStore events = new SlackEventStore(db, clock);
            events.claim("Ev2");
            events.failed("Ev2");

            assertThat(events.claim("Ev2")).isEqualTo(Delivery.NEW);
            assertThat(events.claim("Ev2")).isEqualTo(Delivery.HANDLING);
            events.handled("Ev2");
            events.failed("Ev2");
            assertThat(events.claim("Ev2")).as("a late failure does not undo a committed handling").isEqualTo(Delivery.HANDLED);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aHandlingThatCouldNotBeRecordedEitherWayIsRetriedOnceItsClaimRunsOut(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SlackEventStore events = new SlackEventStore(db, clock);
            events.claim("Ev3");

            clock.advance(SlackEventStore.HANDLING.minusSeconds(1));
            assertThat(events.claim("Ev3")).isEqualTo(Delivery.HANDLING);
            clock.advance(Duration.ofSeconds(1));
            assertThat(events.claim("Ev3")).isEqualTo(Delivery.NEW);
            assertThat(events.claim("Ev3")).as("claimed anew, for one handling").isEqualTo(Delivery.HANDLING);
        }
    }
}
