package org.opsbot.commands.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A severity level; the list in opsbot.yaml is ordered most severe first.
 *
 * @param ackWithin     the response target shown on messages and measured in postmortems
 * @param resolveWithin after an ack, escalation re-opens when the group is not resolved by then
 * @param colour        attachment colour ({@code #rrggbb}) for this level's messages
 * @param updateEvery   how often an open incident of this level asks for a status update
 */
public record Severity(String name, String description, Duration ackWithin, Optional<Duration> resolveWithin,
                       Optional<String> colour, Optional<Duration> updateEvery) {

    /** PRODUCT.md's four levels, used when opsbot.yaml has no {@code severities:}. */
    public static final List<Severity> DEFAULTS = List.of(
            new Severity("P1", "Complete outage or data loss", Duration.ofMinutes(5),
                    Optional.of(Duration.ofMinutes(30)), Optional.empty(), Optional.empty()),
            new Severity("P2", "Major degradation", Duration.ofHours(1),
                    Optional.of(Duration.ofHours(4)), Optional.empty(), Optional.empty()),
            new Severity("P3", "Minor issue, workaround exists", Duration.ofHours(4),
                    Optional.empty(), Optional.empty(), Optional.empty()),
            new Severity("P4", "Low priority", Duration.ofDays(1),
                    Optional.empty(), Optional.empty(), Optional.empty()));
}
