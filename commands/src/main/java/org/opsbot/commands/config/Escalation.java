package org.opsbot.commands.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A team's escalation policy.
 *
 * @param repeat      how many times the whole policy runs again after its last tier
 * @param repeatAfter wait after the last tier before a repeat; absent means the last tier's
 *                    {@code after}, so a repeat takes as long as the first walk
 */
public record Escalation(int repeat, Optional<Duration> repeatAfter, List<Tier> tiers) {

    public static final Escalation NONE = new Escalation(0, Optional.empty(), List.of());

    public Escalation {
        tiers = List.copyOf(tiers);
    }
}
