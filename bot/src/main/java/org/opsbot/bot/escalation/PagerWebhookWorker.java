package org.opsbot.bot.escalation;

import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.background.Backoff;
import org.opsbot.bot.background.BackgroundLoop;
import org.opsbot.commands.store.LeaseStore;

import java.time.Duration;

/**
 * Sends pager webhook calls: at once when this process queues one (it wakes the worker), and
 * otherwise about once a second, which also covers retries, calls queued by another replica and
 * those left behind by a crash. Runs in the one replica that holds the {@code pager-webhooks}
 * lease, on its own thread, so a pager that hangs delays only other pager calls.
 */
final class PagerWebhookWorker implements AutoCloseable {
    private static final String LEASE = "pager-webhooks";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final BackgroundLoop loop;

    PagerWebhookWorker(PagerWebhooks webhooks, LeaseStore leases, String holder, MeterRegistry meters) {
        this.loop = BackgroundLoop.named("pager-webhooks")
                .leased(leases, LEASE, holder, LEASE_TTL, Duration.ZERO)
                .whileNotHolding(TICK)
                .backoff(Backoff.constant(TICK))
                .meters(meters)
                // After calls were sent more may be due: look again at once.
                .build(() -> webhooks.sendDue() > 0 ? Duration.ZERO : TICK);
        webhooks.wakeWith(loop::wake);
    }

    PagerWebhookWorker start() {
        loop.start();
        return this;
    }

    @Override
    public void close() {
        loop.close();
    }
}
