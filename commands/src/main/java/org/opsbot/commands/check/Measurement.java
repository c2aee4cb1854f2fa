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

    /** A number with the label it came from ({@code /tasks/1/lag}, {@code {connector="x"}}) and its unit. */
    public record Sample(String label, double value, String unit) {
        public String shown() {
            return Numbers.format(value) + unit;
        }
    }
}
