package org.opsbot.bot.scheduler;

import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.background.Backoff;
import org.opsbot.bot.background.BackgroundLoop;
import org.opsbot.commands.store.LeaseStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one scheduler of opsbot's periodic work. Each {@link Job} says where it runs:
 *
 * <ul>
 *   <li>{@link Job.Runs#ON_LEASE_HOLDER}: every tick, whoever holds the {@code scheduler} lease
 *   asks each such job what is due at the clock's "now" and starts it. With several replicas only
 *   the lease holder fires; a holder that dies stops renewing and another takes over when the
 *   lease expires. Such jobs keep their own bookkeeping in the database (a claim per due item), so
 *   a second holder during a lease hand-over, or a restart, never starts the same thing twice.</li>
 *   <li>{@link Job.Runs#ON_EVERY_REPLICA}: work each process does for itself (caches it keeps,
 *   the runs it keeps alive, idempotent sweeps that were never leased). Each runs in its own
 *   loop, at once on start and then every {@link Job#every()}, so one that waits on Slack does
 *   not hold up another that must keep a lease alive.</li>
 * </ul>
 */
public final class Scheduler implements AutoCloseable {
    static final String LEASE = "scheduler";
    // The same lease time as the outbox's and the escalations': a holder killed with kill -9 is
    // replaced within this (plus one retry) of its last renewal.
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    // A replica without the lease asks this often, whatever the tick, so takeover is not
    // delayed by a whole tick.
    private static final Duration LEASE_RETRY = Duration.ofSeconds(1);

    /** Something the scheduler runs when due. */
    public interface Job {
        /** Where a job runs. */
        enum Runs {
            /** Only in the replica holding the scheduler's lease: work the replicas share. */
            ON_LEASE_HOLDER,
            /** In every replica: work for this process (its caches, its own runs). */
            ON_EVERY_REPLICA
        }

        /** For the log (and an every-replica job's thread, {@code opsbot-<name>}). */
        String name();

        default Runs runs() {
            return Runs.ON_LEASE_HOLDER;
        }

        /** How often it runs; {@code ZERO} (the default) is every tick. */
        default Duration every() {
            return Duration.ZERO;
        }

        /**
         * Starts what is due at {@code now}. Returns quickly: long work goes to an executor, so
         * one slow job does not hold up the others or outlive the lease.
         */
        void runDue(Instant now);

        /** A job of the lease holder, asked every tick. */
        static Job onLeaseHolder(String name, Consumer<Instant> work) {
            return new Chore(name, Runs.ON_LEASE_HOLDER, Duration.ZERO, work);
        }

        /** A job every replica runs for itself, at start and then every {@code every}. */
        static Job onEveryReplica(String name, Duration every, Runnable work) {
            return new Chore(name, Runs.ON_EVERY_REPLICA, every, now -> work.run());
        }
    }

    private record Chore(String name, Job.Runs runs, Duration every, Consumer<Instant> work) implements Job {
        private Chore {
            Objects.requireNonNull(name);
            Objects.requireNonNull(runs);
            if (every.isNegative()) {
                throw new IllegalArgumentException(name + " cannot run every " + every);
            }
        }

        @Override
        public void runDue(Instant now) {
            work.accept(now);
        }
    }

    /** A lease-holder job and, by the monotonic clock, when it is next due. */
    private static final class Due {
        final Job job;
        long next = System.nanoTime();

        Due(Job job) {
            this.job = job;
        }
    }

    private final Clock clock;
    private final Duration tick;
    private final List<Due> leaseHolderJobs = new ArrayList<>();
    private final BackgroundLoop leased;
    private final List<BackgroundLoop> everyReplica = new ArrayList<>();
    private final MeterRegistry meters;

    public Scheduler(LeaseStore leases, Clock clock, Duration every, List<Job> jobs, String holder) {
        this(leases, clock, every, jobs, holder, null);
    }

    /** @param meters where the loops count failed steps; null for nowhere */
    public Scheduler(LeaseStore leases, Clock clock, Duration every, List<Job> jobs, String holder, MeterRegistry meters) {
        this.clock = clock;
        this.tick = every;
        this.meters = meters;
        Duration retry = every.compareTo(LEASE_RETRY) < 0 ? every : LEASE_RETRY;
        // At least two ticks of slack, so one slow tick does not lose the lease to another
        // replica; but no more than that, or a dead holder's work waits (it was 40 s).
        Duration ttl = every.multipliedBy(3).compareTo(LEASE_TTL) > 0 ? every.multipliedBy(3) : LEASE_TTL;
        this.leased = BackgroundLoop.named("scheduler")
                .leased(leases, LEASE, holder, ttl, Duration.ZERO)
                .whileNotHolding(retry)
                .backoff(Backoff.constant(retry))
                .meters(meters)
                .build(() -> {
                    runLeaseHolderJobs();
                    return every;
                });
        for (Job job : jobs) {
            switch (job.runs()) {
                case ON_LEASE_HOLDER -> leaseHolderJobs.add(new Due(job));
                case ON_EVERY_REPLICA -> everyReplica.add(BackgroundLoop.named(job.name())
                        // As before the scheduler took these over: after a failure, the next
                        // round is soon enough, and no busy loop during an outage.
                        .backoff(Backoff.constant(job.every()))
                        .meters(meters)
                        .build(() -> {
                            job.runDue(clock.instant());
                            return job.every();
                        }));
            }
        }
    }

    public Scheduler start() {
        leased.start();
        everyReplica.forEach(BackgroundLoop::start);
        return this;
    }

    /**
     * One round of the lease holder's jobs: take or renew the lease, then let every job start
     * what is due.
     *
     * @return whether this replica holds the lease
     */
    public boolean tick() {
        leased.round();
        return leased.holding();
    }

    /** The lease holder's next round starts now (after the one under way, if any) rather than at the next tick. */
    public void wake() {
        leased.wake();
    }

    private void runLeaseHolderJobs() {
        Instant now = clock.instant();
        long nanos = System.nanoTime();
        for (Due due : leaseHolderJobs) {
            if (nanos - due.next < 0) {
                continue;
            }
            due.next = nanos + due.job.every().toNanos();
            try {
                due.job.runDue(now);
            } catch (RuntimeException e) {
                // One failing job (its database query, say) must not stop the others.
                BackgroundLoop.failed("scheduled job " + due.job.name(), e,
                        due.job.every().compareTo(tick) > 0 ? due.job.every() : tick);
                BackgroundLoop.countFailure(meters, due.job.name());
            }
        }
    }

    @Override
    public void close() {
        everyReplica.forEach(BackgroundLoop::close);
        leased.close();
    }
}
