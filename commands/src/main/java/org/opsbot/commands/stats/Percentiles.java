package org.opsbot.commands.stats;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Median and 90th percentile of durations, by the nearest-rank method: the value at rank
 * ceil(p × n) of the sorted list, so each figure is a time that really happened.
 */
public record Percentiles(int count, Optional<Duration> median, Optional<Duration> p90) {

    public static final Percentiles NONE = new Percentiles(0, Optional.empty(), Optional.empty());

    /** @param sorted ascending, as the store returns them */
    public static Percentiles of(List<Duration> sorted) {
        if (sorted.isEmpty()) {
            return NONE;
        }
        return new Percentiles(sorted.size(), Optional.of(rank(sorted, 0.5)), Optional.of(rank(sorted, 0.9)));
    }

    private static Duration rank(List<Duration> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }
}
