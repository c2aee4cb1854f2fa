package org.opsbot.bot.background;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait after the {@code attempt}-th failure in a row: {@code base}, doubling with each
 * failure, spread at random by {@code jitter} so that the retries of many callers (pages,
 * replicas, queued Slack calls) spread out instead of arriving together. How it is spread is the
 * {@link Spread}: by default the wait is capped at {@code max} and then up to {@code jitter} of
 * it is added ({@link Spread#ABOVE}); {@link #around} spreads it within ±{@code jitter} and then
 * caps it, so that {@code max} is a hard ceiling.
 *
 * <p>The one backoff policy of opsbot's background work: the loops' waits after a failed step,
 * the pager webhook calls' retries and the outbox's retries of Slack calls use it. A constant
 * wait is {@link #constant}.
 */
public record Backoff(Duration base, Duration max, double jitter, Spread spread) {
    // 2^20 times the base is far beyond any cap, and shifting further could overflow.
    private static final int MAX_DOUBLINGS = 20;

    /** How the jitter spreads the wait. */
    public enum Spread {
        /** Capped at {@code max}, then up to {@code jitter} of that added: never below the doubled wait. */
        ABOVE,
        /** Times a random factor within 1 ± {@code jitter}, then capped: never above {@code max}. */
        AROUND
    }

    public Backoff {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 <= base <= max, not " + base + " and " + max);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter is a fraction between 0 and 1, not " + jitter);
        }
    }

    /** {@code base} doubling up to {@code max}, plus up to {@code jitter} of that. */
    public Backoff(Duration base, Duration max, double jitter) {
        this(base, max, jitter, Spread.ABOVE);
    }

    /** {@code base} doubling, within ±{@code jitter} of that, and never more than {@code max}. */
    public static Backoff around(Duration base, Duration max, double jitter) {
        return new Backoff(base, max, jitter, Spread.AROUND);
    }

    /** The same wait after every failure. */
    public static Backoff constant(Duration wait) {
        return new Backoff(wait, wait, 0);
    }

    /** The wait after {@code attempt} failures in a row (1 for the first). */
    public Duration delay(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), MAX_DOUBLINGS);
        if (spread == Spread.AROUND) {
            double factor = 1 - jitter + ThreadLocalRandom.current().nextDouble() * 2 * jitter;
            return Duration.ofMillis((long) Math.min(Math.scalb((double) base.toMillis(), doublings) * factor, max.toMillis()));
        }
        long capped = Math.min(max.toMillis(), base.toMillis() << doublings);
        long extra = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong((long) (capped * jitter) + 1);
        return Duration.ofMillis(capped + extra);
    }
}
