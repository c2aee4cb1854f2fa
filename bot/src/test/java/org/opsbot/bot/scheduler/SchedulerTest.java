package org.opsbot.bot.scheduler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {
    private final Database db = Database.open(TestDatabases.sqliteUrl());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final LeaseStore leases = new LeaseStore(db, clock);

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void leaseHolderJobsRunOnOneReplicaAndEveryReplicaJobsOnEach() {
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger cacheOfA = new AtomicInteger();
        AtomicInteger cacheOfB = new AtomicInteger();
        Scheduler a = scheduler("replica-a", shared, cacheOfA).start();
        Eventually.await("a holds the lease", Duration.ofSeconds(10), () -> shared.get() > 0);
        Scheduler b = scheduler("replica-b", shared, cacheOfB).start();
        try {
            Eventually.await("b refreshed its own cache", Duration.ofSeconds(10), () -> cacheOfB.get() > 0);
            Eventually.await("and a its own", Duration.ofSeconds(10), () -> cacheOfA.get() > 0);

            assertThat(b.tick()).as("b does not hold the lease").isFalse();
            int before = shared.get();
            b.tick();
            assertThat(shared.get()).as("b never runs the lease holder's job").isEqualTo(before);
        } finally {
            b.close();
            a.close();
        }
    }

    @Test
    void aFailingJobDoesNotStopTheOthers() {
        AtomicInteger ran = new AtomicInteger();
        Scheduler scheduler = new Scheduler(leases, clock, Duration.ofSeconds(5), List.of(
                Scheduler.Job.onLeaseHolder("broken", now -> {
                    throw new IllegalStateException("broken job");
                }),
                Scheduler.Job.onLeaseHolder("working", now -> ran.incrementAndGet())), "replica-a");

        assertThat(scheduler.tick()).isTrue();
        assertThat(scheduler.tick()).isTrue();

        assertThat(ran).hasValue(2);
    }

    private Scheduler scheduler(String holder, AtomicInteger shared, AtomicInteger cache) {
        return new Scheduler(leases, clock, Duration.ofMillis(50), List.of(
                Scheduler.Job.onLeaseHolder("shared work", now -> shared.incrementAndGet()),
                Scheduler.Job.onEveryReplica("cache-" + holder, Duration.ofMillis(50), cache::incrementAndGet)),
                holder);
    }
}
