package org.opsbot.bot.slack;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The meters of one answered Slack request, the same whether it came to {@code /slack/events} or
 * over Socket Mode, so dashboards and alerts work in both modes.
 */
public final class SlackRequestMeters {
    private SlackRequestMeters() {
    }

    /** Counts the request by kind and status and records how long it took to answer. */
    public static void record(MeterRegistry meters, String kind, int status, long elapsedNanos) {
        meters.counter("opsbot.slack.requests", "kind", kind, "status", Integer.toString(status)).increment();
        Timer.builder("opsbot.slack.ack")
                .description("time from receiving a Slack request to answering it (Slack gives up after 3 s)")
                .tag("kind", kind)
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3))
                .register(meters)
                .record(Duration.ofNanos(elapsedNanos));
    }
}
