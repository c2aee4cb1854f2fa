package org.opsbot.bot.background;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait after the {@code attempt}-th failure in a row: {@code base}, doubling with each
 * failure, at most {@code max}, plus a random extra of up to {@code jitter} of that, so that the
 * retries of many callers (pages, replicas) spread out instead of arriving together.
 *
 * <p>The one backoff policy of opsbot's background work: the loops' waits after a failed step
 * and the pager webhook calls' retries use it. A constant wait is {@link #constant}.
 */
public record Backoff(Duration base, Duration max, double jitter) {
    // 2^20 times the base is far beyond any cap, and shifting further could overflow.
    private static final int MAX_DOUBLINGS = 20;

    public Backoff {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 <= base <= max, not " + base + " and " + max);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter is a fraction between 0 and 1, not " + jitter);
        }
    }

    /** The same wait after every failure. */
    public static Backoff constant(Duration wait) {
        return new Backoff(wait, wait, 0);
    }

    /** The wait after {@code attempt} failures in a row (1 for the first). */
    public Duration delay(int attempt) {
        long capped = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt - 1, 0), MAX_DOUBLINGS));
        long extra = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong((long) (capped * jitter) + 1);
        return Duration.ofMillis(capped + extra);
    }
}
