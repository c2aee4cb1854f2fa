package org.opsbot.bot.scheduler;

import org.opsbot.commands.store.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The one loop that starts whatever is due (scheduled runbooks; later escalations and expiring
 * approvals): every tick, whoever holds the {@code scheduler} lease asks each job what is due
 * at the clock's "now" and starts it. With several replicas only the lease holder fires; a
 * holder that dies stops renewing and another takes over when the lease expires.
 *
 * <p>Jobs keep their own bookkeeping in the database (a claim per due item), so a second
 * holder during a lease hand-over, or a restart, never starts the same thing twice.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final String LEASE = "scheduler";
    // The same lease time as the outbox's and the escalations': a holder killed with kill -9 is
    // replaced within this (plus one retry) of its last renewal.
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    // A replica without the lease asks this often, whatever the tick, so takeover is not
    // delayed by a whole tick.
    private static final Duration LEASE_RETRY = Duration.ofSeconds(1);

    /** Something the scheduler asks, every tick, to start what is due. */
    public interface Job {
        /** For the log. */
        String name();

        /**
         * Starts what is due at {@code now}. Returns quickly: long work goes to an executor, so
         * one slow job does not hold up the others or outlive the lease.
         */
        void runDue(Instant now);
    }

    private final LeaseStore leases;
    private final Clock clock;
    private final Duration every;
    private final List<Job> jobs;
    private final String holder;
    private volatile Thread loop;

    public Scheduler(LeaseStore leases, Clock clock, Duration every, List<Job> jobs, String holder) {
        this.leases = leases;
        this.clock = clock;
        this.every = every;
        this.jobs = List.copyOf(jobs);
        this.holder = holder;
    }

    public Scheduler start() {
        loop = Thread.ofVirtual().name("opsbot-scheduler").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                boolean holding = tick();
                try {
                    Thread.sleep(holding || every.compareTo(LEASE_RETRY) < 0 ? every : LEASE_RETRY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /**
     * One round: take or renew the lease, then let every job start what is due.
     *
     * @return whether this replica holds the lease
     */
    public boolean tick() {
        boolean holding;
        try {
            // At least two ticks of slack, so one slow tick does not lose the lease to another
            // replica; but no more than that, or a dead holder's work waits (it was 40 s).
            Duration ttl = every.multipliedBy(3).compareTo(LEASE_TTL) > 0 ? every.multipliedBy(3) : LEASE_TTL;
            holding = leases.acquire(LEASE, holder, ttl);
        } catch (RuntimeException e) {
            LOG.warn("Scheduler skipped a tick: {}", e.getMessage());
            return false;
        }
        if (!holding) {
            return false;
        }
        Instant now = clock.instant();
        for (Job job : jobs) {
            try {
                job.runDue(now);
            } catch (RuntimeException e) {
                // One failing job (its database query, say) must not stop the others.
                LOG.error("Scheduled job {} failed", job.name(), e);
            }
        }
        return true;
    }

    @Override
    public void close() {
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            leases.release(LEASE, holder);
        } catch (RuntimeException e) {
            LOG.debug("Could not release the scheduler lease: {}", e.getMessage());
        }
    }
}
