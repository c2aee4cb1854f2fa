package org.opsbot.bot.background;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A named background loop: round after round it runs one step of its work and waits as long as
 * the step asks (or until {@link #wake()}); after a failed step it waits by its {@link Backoff}.
 * A leased loop steps only while its replica holds the loop's lease in the {@link LeaseStore},
 * which it takes and renews before its steps, so a replica that loses the lease stops stepping
 * and another takes over once it has expired. {@link #close()} ends the loop and gives the lease
 * up at once, so that another replica need not wait it out.
 *
 * <p>Every loop logs a failure the same way (the database being down as a warning without a
 * stack trace, anything else as an error) and counts it in {@code opsbot.background.failures},
 * tagged with the loop's name.
 *
 * <p>It runs on a platform thread: its steps use the database, and with SQLite a call blocked
 * on the database lock would pin a virtual thread's carrier.
 */
public final class BackgroundLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoop.class);

    /** One step of the loop's work. */
    @FunctionalInterface
    public interface Step {
        /** Does some work and says how long to wait before the next step ({@code ZERO}: at once). */
        Duration run();
    }

    /**
     * The lease a loop steps under: taken for {@code ttl}, and renewed no more often than every
     * {@code renewEvery} while held (a busy loop's steps need not each write the lease).
     */
    public record Lease(LeaseStore store, String name, String holder, Duration ttl, Duration renewEvery) {
    }

    private final String name;
    private final Optional<Lease> lease;
    private final Runnable onTakeOver;
    private final Runnable beforeRelease;
    private final Duration whileNotHolding;
    private final Backoff backoff;
    private final Step step;
    private final MeterRegistry meters;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean holding;
    private long renewedAt;
    private int failures;

    private BackgroundLoop(Builder b, Step step) {
        this.name = b.name;
        this.lease = b.lease;
        this.onTakeOver = b.onTakeOver;
        this.beforeRelease = b.beforeRelease;
        this.whileNotHolding = b.whileNotHolding;
        this.backoff = b.backoff;
        this.step = step;
        this.meters = b.meters;
        this.thread = Thread.ofPlatform().name("opsbot-" + b.name).daemon(true).unstarted(this::loop);
    }

    /** A loop named {@code name} (its thread is {@code opsbot-<name>}). */
    public static Builder named(String name) {
        return new Builder(name);
    }

    public BackgroundLoop start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            Duration wait = round();
            if (!wait.isPositive()) {
                continue;
            }
            try {
                if (wake.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One round: take or renew the lease (if the loop has one) and, while held, run one step.
     *
     * @return how long to wait before the next round
     */
    public Duration round() {
        try {
            if (lease.isPresent() && !holdsLease(lease.get())) {
                return whileNotHolding;
            }
            Duration wait = step.run();
            failures = 0;
            return wait;
        } catch (RuntimeException e) {
            failures++;
            Duration wait = backoff.delay(failures);
            failed(name, e, wait);
            countFailure(meters, name);
            return wait;
        }
    }

    /** Logs a failed step of {@code what} the way every background loop and job does. */
    public static void failed(String what, RuntimeException e, Duration retryIn) {
        if (e instanceof StoreException) {
            LOG.warn("{} cannot reach the database, retrying in {} ms: {}", what, retryIn.toMillis(), e.getMessage());
            LOG.debug("{} failed", what, e);
        } else {
            LOG.error("{} failed, retrying in {} ms", what, retryIn.toMillis(), e);
        }
    }

    /** Counts a failed step of {@code what} in {@code opsbot.background.failures} (nowhere when meters is null). */
    public static void countFailure(MeterRegistry meters, String what) {
        if (meters != null) {
            Counter.builder("opsbot.background.failures")
                    .description("Failed steps of opsbot's background loops and jobs")
                    .tag("loop", what)
                    .register(meters)
                    .increment();
        }
    }

    private boolean holdsLease(Lease l) {
        long now = System.nanoTime();
        if (holding && now - renewedAt < l.renewEvery().toNanos()) {
            return true;
        }
        boolean held;
        try {
            held = l.store().acquire(l.name(), l.holder(), l.ttl());
            if (held && !holding) {
                // If taking over fails, the lease does not count as held: it is tried again first.
                onTakeOver.run();
            }
        } catch (RuntimeException e) {
            holding = false;
            throw e;
        }
        holding = held;
        renewedAt = now;
        return held;
    }

    /** Whether this replica held the lease at the last round (always true for a loop without one). */
    public boolean holding() {
        return lease.isEmpty() || holding;
    }

    /** Ends the current wait: work is there now. */
    public void wake() {
        wake.release();
    }

    @Override
    public void close() {
        running = false;
        wake.release();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        beforeRelease.run();
        lease.ifPresent(l -> {
            try {
                l.store().release(l.name(), l.holder());
            } catch (RuntimeException e) {
                LOG.debug("could not release the {} lease: {}", l.name(), e.getMessage());
            }
        });
    }

    /** How a loop takes its lease, waits and backs off. */
    public static final class Builder {
        private final String name;
        private Optional<Lease> lease = Optional.empty();
        private Runnable onTakeOver = () -> { };
        private Runnable beforeRelease = () -> { };
        private Duration whileNotHolding = Duration.ofSeconds(1);
        private Backoff backoff = Backoff.constant(Duration.ofSeconds(1));
        private MeterRegistry meters;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /**
         * Steps only in the replica that holds the lease {@code lease}, taken for {@code ttl} and
         * renewed before a step when it was last renewed {@code renewEvery} ago or more.
         */
        public Builder leased(LeaseStore store, String lease, String holder, Duration ttl, Duration renewEvery) {
            this.lease = Optional.of(new Lease(store, lease, holder, ttl, renewEvery));
            return this;
        }

        /** Runs when this replica takes the lease over (not when it renews it). */
        public Builder onTakeOver(Runnable onTakeOver) {
            this.onTakeOver = onTakeOver;
            return this;
        }

        /**
         * Runs on {@link #close()} once the loop has ended and before the lease is given up: work
         * the steps handed on (calls still being sent) finishes under the lease, so that the
         * next holder does not take it over and do it a second time.
         */
        public Builder beforeRelease(Runnable beforeRelease) {
            this.beforeRelease = beforeRelease;
            return this;
        }

        /** How long a replica without the lease waits before it asks again (default 1 s). */
        public Builder whileNotHolding(Duration wait) {
            this.whileNotHolding = wait;
            return this;
        }

        /** The wait after a failed step or lease renewal (default 1 s each time). */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** Where failures are counted ({@code opsbot.background.failures}); null for nowhere. */
        public Builder meters(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /** The loop, not yet started. */
        public BackgroundLoop build(Step step) {
            return new BackgroundLoop(this, step);
        }
    }
}
