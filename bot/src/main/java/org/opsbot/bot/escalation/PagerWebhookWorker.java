package org.opsbot.bot.escalation;

import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends pager webhook calls: at once when this process queues one (it wakes the worker), and
 * otherwise about once a second, which also covers retries, calls queued by another replica and
 * those left behind by a crash. Runs in the one replica that holds the {@code pager-webhooks}
 * lease, on its own thread, so a pager that hangs delays only other pager calls.
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
    private final Semaphore queued = new Semaphore(0);
    private volatile boolean running = true;

    PagerWebhookWorker(PagerWebhooks webhooks, LeaseStore leases, String holder) {
        this.webhooks = webhooks;
        this.leases = leases;
        this.holder = holder;
        this.thread = Thread.ofPlatform().name("opsbot-pager-webhooks").daemon(true).unstarted(this::loop);
        webhooks.wakeWith(queued::release);
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
                if (queued.tryAcquire(TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                    queued.drainPermits();
                }
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
