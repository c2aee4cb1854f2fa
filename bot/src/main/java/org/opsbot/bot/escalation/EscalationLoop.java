package org.opsbot.bot.escalation;

import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.background.Backoff;
import org.opsbot.bot.background.BackgroundLoop;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.FireLoop;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.store.LeaseStore;

import java.time.Duration;

/**
 * Fires due escalation steps as they fall due (paced by {@link FireLoop}), in the replica that
 * holds the {@code escalations} lease. Due times live in the database, so after a restart or a failover
 * the overdue steps fire once, at once.
 */
final class EscalationLoop implements AutoCloseable {
    private static final String LEASE = "escalations";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    // The lease is taken or renewed about once a second, not on every round of a backlog.
    private static final Duration LEASE_RENEW = Duration.ofSeconds(1);

    private final BackgroundLoop loop;

    EscalationLoop(Escalations escalations, LeaseStore leases, String holder, Subjects subjects, MeterRegistry meters) {
        FireLoop fire = new FireLoop(() -> true, escalations::fireDue, escalations::untilNextDue,
                subject -> Subject.parse(subject).ifPresent(subjects::changed));
        this.loop = BackgroundLoop.named("escalations")
                .leased(leases, LEASE, holder, LEASE_TTL, LEASE_RENEW)
                // Walks a dead holder claimed would otherwise wait out their 2-minute claim.
                .onTakeOver(escalations::takeOverClaims)
                .whileNotHolding(FireLoop.MAX_WAIT)
                .backoff(Backoff.constant(FireLoop.AFTER_ERROR))
                .meters(meters)
                .build(fire::round);
    }

    EscalationLoop start() {
        loop.start();
        return this;
    }

    @Override
    public void close() {
        loop.close();
    }
}
