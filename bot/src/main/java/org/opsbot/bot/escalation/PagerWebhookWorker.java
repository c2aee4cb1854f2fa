package org.opsbot.bot.escalation;

import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Retries pager webhook calls whose first attempt did not get a 2xx, and sends those left
 * behind by a crash, about once a second, in the one replica that holds the
 * {@code pager-webhooks} lease.
 */
final class PagerWebhookWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PagerWebhookWorker.class);
    private static final String LEASE = "pager-webhooks";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final PagerWebhooks webhooks;
    private final LeaseStore leases;
    private final String holder;
    private final Thread thread;
    private volatile boolean running = true;

    PagerWebhookWorker(PagerWebhooks webhooks, LeaseStore leases, String holder) {
        this.webhooks = webhooks;
        this.leases = leases;
        this.holder = holder;
        this.thread = Thread.ofPlatform().name("opsbot-pager-webhooks").daemon(true).unstarted(this::loop);
    }

    PagerWebhookWorker start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            int sent = 0;
            try {
                if (leases.acquire(LEASE, holder, LEASE_TTL)) {
                    sent = webhooks.sendDue();
                }
            } catch (StoreException e) {
                LOG.warn("Pager webhooks cannot reach the database, retrying: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Pager webhook worker error, retrying", e);
            }
            if (sent > 0) {
                continue; // more may be due
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
            LOG.debug("could not release the pager-webhooks lease: {}", e.getMessage());
        }
    }
}
