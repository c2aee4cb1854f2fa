package org.opsbot.bot.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToLongFunction;

/** The outbox on /metrics: its backlog and how Slack calls ended. */
public final class OutboxMeters {
    private OutboxMeters() {
    }

    public static void register(SlackOutbox outbox, MeterRegistry meters) {
        Gauge.builder("opsbot.outbox.pending", outbox, o -> o.stats().pending())
                .description("Slack calls written to the outbox and not yet sent")
                .register(meters);
        Gauge.builder("opsbot.outbox.oldest.pending.age", outbox, o -> {
                    Long oldest = o.stats().oldestPendingCreatedAt();
                    return oldest == null ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
                })
                .description("How long the oldest unsent Slack call has waited")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder("opsbot.slack.reachable", outbox,
                        o -> o.reachability().status().state() == SlackReachability.State.UNREACHABLE ? 0 : 1)
                .description("0 while the bot's calls do not reach Slack")
                .register(meters);
        outcome(meters, outbox, "sent", w -> w.sent.get());
        outcome(meters, outbox, "retried", w -> w.retried.get());
        outcome(meters, outbox, "failed", w -> w.failed.get());
        outcome(meters, outbox, "expired", w -> w.expired.get());
        outcome(meters, outbox, "rate_limited", w -> w.rateLimited.get());
        outcome(meters, outbox, "not_in_channel", w -> w.notInChannel.get());
    }

    private static void outcome(MeterRegistry meters, SlackOutbox outbox, String outcome, ToLongFunction<OutboxWorker> count) {
        FunctionCounter.builder("opsbot.slack.calls", outbox, o -> count.applyAsLong(o.worker()))
                .description("Slack Web API calls made by the outbox, by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}
