package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PagerWebhookStoreTest {
    private static final Duration CLAIM = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCallIsHeldByItsWriterThenClaimedOnceAndFinishedOnce(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            PagerWebhookStore store = new PagerWebhookStore(db, clock);
            PagerWebhookStore.Call call = store.enqueue("k1", "alert-group:1", "cdc", 1, "{}", clock.instant().plus(CLAIM));

            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).as("its writer makes the first attempt").isEmpty();
            clock.advance(CLAIM);
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).extracting(PagerWebhookStore.Call::id)
                    .containsExactly(call.id());
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).as("claimed: nobody else sends it").isEmpty();

            store.retryAt(call.id(), clock.instant().plusSeconds(5), "HTTP 503");
            clock.advance(Duration.ofSeconds(5));
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).singleElement().satisfies(c -> {
                assertThat(c.attempts()).isEqualTo(1);
                assertThat(c.lastError()).contains("HTTP 503");
            });
            store.delivered(call.id());
            store.failed(call.id(), "late");
            assertThat(store.find(call.id()).orElseThrow().state()).as("a finished call stays finished")
                    .isEqualTo(PagerWebhookStore.State.DELIVERED);
            clock.advance(Duration.ofHours(1));
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anAlertsCallsReachItsPagerInTheOrderTheyWereWritten(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            PagerWebhookStore store = new PagerWebhookStore(db, clock);
            PagerWebhookStore.Call page = store.enqueue("opsbot:alert-group:1", "alert-group:1", "cdc", 1,
                    PagerWebhookStore.Event.TRIGGER, "{}", clock.instant());
            PagerWebhookStore.Call otherTier = store.enqueue("opsbot:alert-group:1", "alert-group:1", "cdc", 2,
                    PagerWebhookStore.Event.TRIGGER, "{}", clock.instant());
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).extracting(PagerWebhookStore.Call::id)
                    .containsExactly(page.id(), otherTier.id());
            store.retryAt(page.id(), clock.instant().plusSeconds(60), "HTTP 503");
            store.delivered(otherTier.id());
            assertThat(store.failing("cdc", 1)).as("its last answer was a 503").isTrue();
            assertThat(store.failing("cdc", 2)).isFalse();
            assertThat(store.failing("cdc", 3)).as("never called").isFalse();

            PagerWebhookStore.Call ack = store.enqueue("opsbot:alert-group:1", "alert-group:1", "cdc", 1,
                    PagerWebhookStore.Event.ACKNOWLEDGE, "{}", clock.instant());
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).as("the page it acknowledges is still pending").isEmpty();

            clock.advance(Duration.ofSeconds(60));
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).extracting(PagerWebhookStore.Call::id)
                    .containsExactly(page.id());
            store.delivered(page.id());
            assertThat(store.claimDue(clock.instant(), CLAIM, 10)).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(ack.id());
                assertThat(c.event()).isEqualTo(PagerWebhookStore.Event.ACKNOWLEDGE);
            });
            assertThat(store.failing("cdc", 1)).isFalse();
        }
    }
}
