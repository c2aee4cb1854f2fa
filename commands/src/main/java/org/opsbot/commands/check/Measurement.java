package org.opsbot.commands.check;

import org.opsbot.commands.model.Status;

import java.util.List;

/**
 * What a probe saw, before thresholds are applied.
 *
 * @param verdict  OK, or CRIT when an expectation of the probe itself failed (wrong status,
 *                 a task not RUNNING, a pattern not found)
 * @param observed the value to show when there are no samples
 * @param samples  the numbers thresholds are compared with (several for {@code *} pointers and
 *                 multi-series queries: the worst one counts)
 * @param message  one line for people
 */
public record Measurement(Status verdict, String observed, List<Sample> samples, String message) {
    public Measurement {
        samples = List.copyOf(samples);
    }

    public static Measurement ok(String observed, String message, List<Sample> samples) {
        return new Measurement(Status.OK, observed, samples, message);
    }

    /**
     * A number with the label it came from ({@code /tasks/1/lag}, {@code {connector="x"}}), its
     * unit, and how a person reads it ({@code 26.5 h} for an age kept in milliseconds).
     *
     * @param held the values over a duration the value must have held for ({@code for: 5m}), oldest
     *             first, NaN where there was none; a threshold is crossed only when every one of them
     *             and {@code value} cross it. Empty for a value of this moment.
     */
    public record Sample(String label, double value, String unit, String shown, List<Double> held) {
        public Sample {
            held = List.copyOf(held);
        }

        public Sample(String label, double value, String unit) {
            this(label, value, unit, Numbers.format(value) + unit);
        }

        public Sample(String label, double value, String unit, String shown) {
            this(label, value, unit, shown, List.of());
        }

        /** Whether {@code threshold} is crossed by the value, and by all it held before when it must have held. */
        public boolean crosses(Threshold threshold) {
            return threshold.crossedBy(value)
                    && held.stream().allMatch(v -> !Double.isNaN(v) && threshold.crossedBy(v));
        }

        /** An age, compared in milliseconds and shown in the largest unit that reads well. */
        public static Sample age(String label, java.time.Duration age) {
            return new Sample(label, age.toMillis(), " ms", Numbers.age(age));
        }

        /** A size, compared in bytes and shown in KB, MB or GB (of 1024). */
        public static Sample size(String label, long bytes) {
            return new Sample(label, bytes, " B", Numbers.size(bytes));
        }
    }
}
