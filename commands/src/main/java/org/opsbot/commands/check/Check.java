package org.opsbot.commands.check;

import java.time.Duration;
import java.util.Optional;

/**
 * One automated check of a runbook.
 *
 * @param name    unique within its runbook, shown in reports
 * @param probe   what is looked at, and how
 * @param timeout how long the probe may take before it is stopped and the check is ERROR
 * @param warn    crossing it makes the check WARN
 * @param crit    crossing it makes the check CRIT (looked at before {@code warn})
 */
public record Check(String name, Probe probe, Duration timeout, Optional<Threshold> warn, Optional<Threshold> crit) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public Check {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public Check(String name, Probe probe) {
        this(name, probe, DEFAULT_TIMEOUT, Optional.empty(), Optional.empty());
    }

    public Check withTimeout(Duration t) {
        return new Check(name, probe, t, warn, crit);
    }

    public Check withWarn(String threshold) {
        return new Check(name, probe, timeout, Threshold.parse(threshold), crit);
    }

    public Check withCrit(String threshold) {
        return new Check(name, probe, timeout, warn, Threshold.parse(threshold));
    }
}
