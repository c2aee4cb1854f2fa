package org.opsbot.bot.escalation;

import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.FireLoop;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.StoreException;
import org.opsbot.commands.model.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Fires due escalation steps as they fall due (paced by {@link FireLoop}), in the replica that
 * holds the {@code escalations} lease. Due times live in the database, so after a restart or a failover
 * the overdue steps fire once, at once.
 */
final class EscalationLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationLoop.class);
    private static final String LEASE = "escalations";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration LEASE_RENEW = Duration.ofSeconds(1);

    private final LeaseStore leases;
    private final String holder;
    private final Escalations escalations;
    private final FireLoop fire;
    private final Thread thread;
    private volatile long leaseCheckedAt;
    private volatile boolean leaseHeld;

    EscalationLoop(Escalations escalations, LeaseStore leases, String holder, Subjects subjects) {
        this.leases = leases;
        this.holder = holder;
        this.escalations = escalations;
        this.fire = new FireLoop(this::holdsLease, escalations::fireDue, escalations::untilNextDue,
                subject -> Subject.parse(subject).ifPresent(subjects::changed));
        this.thread = Thread.ofPlatform().name("opsbot-escalations").daemon(true).unstarted(fire::run);
    }

    EscalationLoop start() {
        thread.start();
        return this;
    }

    /** The lease is taken or renewed about once a second, not on every round of a backlog. */
    private boolean holdsLease() {
        long now = System.nanoTime();
        if (leaseHeld && now - leaseCheckedAt < LEASE_RENEW.toNanos()) {
            return true;
        }
        try {
            boolean acquired = leases.acquire(LEASE, holder, LEASE_TTL);
            if (acquired && !leaseHeld) {
                // Walks a dead holder claimed would otherwise wait out their 2-minute claim. If
                // this fails the lease does not count as held, so it is tried again first.
                escalations.takeOverClaims();
            }
            leaseHeld = acquired;
        } catch (StoreException e) {
            leaseHeld = false;
            throw e;
        }
        leaseCheckedAt = now;
        return leaseHeld;
    }

    @Override
    public void close() {
        fire.stop();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            leases.release(LEASE, holder);
        } catch (StoreException e) {
            LOG.debug("could not release the escalations lease: {}", e.getMessage());
        }
    }
}
