package org.opsbot.bot.background;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.StoreException;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundLoopTest {
    private static final Duration TTL = Duration.ofSeconds(15);
    private static final Duration NOT_HOLDING = Duration.ofMillis(250);

    private final Database db = Database.open(TestDatabases.sqliteUrl());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final LeaseStore leases = new LeaseStore(db, clock);

    @AfterEach
    void close() {
        db.close();
    }

    private BackgroundLoop leased(String holder, BackgroundLoop.Step step, AtomicInteger takeOvers) {
        return BackgroundLoop.named("test-" + holder)
                .leased(leases, "test", holder, TTL, Duration.ZERO)
                .onTakeOver(takeOvers::incrementAndGet)
                .whileNotHolding(NOT_HOLDING)
                .build(step);
    }

    @Test
    void aLoopThatLosesItsLeaseStopsStepping() {
        AtomicInteger stepsOfA = new AtomicInteger();
        AtomicInteger stepsOfB = new AtomicInteger();
        AtomicInteger takeOversOfB = new AtomicInteger();
        BackgroundLoop a = leased("replica-a", () -> {
            stepsOfA.incrementAndGet();
            return Duration.ofSeconds(1);
        }, new AtomicInteger());
        BackgroundLoop b = leased("replica-b", () -> {
            stepsOfB.incrementAndGet();
            return Duration.ofSeconds(1);
        }, takeOversOfB);

        assertThat(a.round()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.round()).as("b waits while a holds the lease").isEqualTo(NOT_HOLDING);
        assertThat(stepsOfB).hasValue(0);

        clock.advance(TTL.plusSeconds(1)); // a stalled: its lease ran out
        b.round();
        b.round();
        assertThat(a.round()).as("a lost the lease to b").isEqualTo(NOT_HOLDING);
        a.round();

        assertThat(stepsOfA).hasValue(1);
        assertThat(a.holding()).isFalse();
        assertThat(stepsOfB).hasValue(2);
        assertThat(takeOversOfB).as("told once when it took the lease over, not on renewals").hasValue(1);
    }

    @Test
    void aFailingStepBacksOffByThePolicyUntilAStepSucceeds() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        BackgroundLoop loop = BackgroundLoop.named("flaky")
                .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(300), 0))
                .meters(meters)
                .build(() -> {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new StoreException("database is down");
                    }
                    return Duration.ofSeconds(5);
                });

        assertThat(loop.round()).isEqualTo(Duration.ofMillis(100));
        assertThat(loop.round()).isEqualTo(Duration.ofMillis(200));
        assertThat(loop.round()).isEqualTo(Duration.ofMillis(300));
        assertThat(loop.round()).as("a step that succeeds waits what it asks").isEqualTo(Duration.ofSeconds(5));
        failuresLeft.set(1);
        assertThat(loop.round()).as("and the next failure starts over").isEqualTo(Duration.ofMillis(100));

        assertThat(meters.get("opsbot.background.failures").tag("loop", "flaky").counter().count()).isEqualTo(4);
    }

    @Test
    void aTakeOverThatFailsLeavesTheLeaseUnheldAndIsTriedAgain() {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger takeOvers = new AtomicInteger();
        BackgroundLoop loop = BackgroundLoop.named("taking-over")
                .leased(leases, "test", "replica-a", TTL, Duration.ZERO)
                .onTakeOver(() -> {
                    if (takeOvers.incrementAndGet() == 1) {
                        throw new StoreException("database is down");
                    }
                })
                .backoff(Backoff.constant(Duration.ofMillis(700)))
                .build(() -> {
                    steps.incrementAndGet();
                    return Duration.ofSeconds(1);
                });

        assertThat(loop.round()).isEqualTo(Duration.ofMillis(700));
        assertThat(steps).hasValue(0);
        loop.round();

        assertThat(takeOvers).hasValue(2);
        assertThat(steps).hasValue(1);
    }

    @Test
    void closingEndsTheLoopAndGivesTheLeaseUp() {
        AtomicInteger steps = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();
        BackgroundLoop loop = leased("replica-a", () -> {
            thread.set(Thread.currentThread());
            steps.incrementAndGet();
            return Duration.ofHours(1);
        }, new AtomicInteger()).start();
        Eventually.await("the first step", Duration.ofSeconds(10), () -> steps.get() == 1);

        loop.close();

        assertThat(thread.get().isAlive()).isFalse();
        assertThat(thread.get().getName()).isEqualTo("opsbot-test-replica-a");
        assertThat(leases.acquire("test", "replica-b", TTL)).as("the lease is free at once").isTrue();
        assertThat(steps).hasValue(1);
    }

    @Test
    void workHandedOnFinishesUnderTheLeaseBeforeCloseGivesItUp() {
        AtomicReference<Boolean> otherCouldTakeIt = new AtomicReference<>();
        BackgroundLoop loop = BackgroundLoop.named("handing-on")
                .leased(leases, "test", "replica-a", TTL, Duration.ZERO)
                .beforeRelease(() -> otherCouldTakeIt.set(leases.acquire("test", "replica-b", TTL)))
                .build(() -> Duration.ofHours(1));
        loop.round();

        loop.close();

        assertThat(otherCouldTakeIt.get()).as("still held while the handed-on work finished").isFalse();
        assertThat(leases.acquire("test", "replica-b", TTL)).as("and free right after").isTrue();
    }

    @Test
    void aWakeEndsTheWait() {
        AtomicInteger steps = new AtomicInteger();
        BackgroundLoop loop = BackgroundLoop.named("woken").build(() -> {
            steps.incrementAndGet();
            return Duration.ofHours(1);
        }).start();
        try {
            Eventually.await("the first step", Duration.ofSeconds(10), () -> steps.get() == 1);
            loop.wake();
            Eventually.await("a second step after the wake", Duration.ofSeconds(10), () -> steps.get() == 2);
        } finally {
            loop.close();
        }
    }
}
