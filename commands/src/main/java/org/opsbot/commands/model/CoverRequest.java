package org.opsbot.commands.model;

import java.time.Instant;
import java.util.Optional;

/**
 * Someone asks for cover of their schedule from {@code from} until {@code until}; the first other
 * member who takes it is put on call by an override.
 */
public record CoverRequest(long id, String schedule, String requestedBy, Instant from, Instant until, String reason,
                           Optional<String> takenBy, Optional<Long> overrideId) {
}
