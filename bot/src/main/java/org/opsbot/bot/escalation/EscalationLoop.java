package org.opsbot.bot.escalation;

import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Fires due escalation steps about once a second, in the replica that holds the
 * {@code escalations} lease. Due times live in the database, so after a restart or a failover
 * the overdue steps fire once, at once.
 */
final class EscalationLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationLoop.class);
    private static final String LEASE = "escalations";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Escalations escalations;
    private final LeaseStore leases;
    private final String holder;
    private final Thread thread;
    private volatile boolean running = true;

    EscalationLoop(Escalations escalations, LeaseStore leases, String holder) {
        this.escalations = escalations;
        this.leases = leases;
        this.holder = holder;
        this.thread = Thread.ofPlatform().name("opsbot-escalations").daemon(true).unstarted(this::loop);
    }

    EscalationLoop start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                if (leases.acquire(LEASE, holder, LEASE_TTL)) {
                    escalations.fireDue();
                }
            } catch (StoreException e) {
                LOG.warn("Escalations cannot reach the database, retrying: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Escalation loop error, retrying", e);
            }
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
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
