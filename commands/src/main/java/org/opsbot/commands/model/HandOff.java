package org.opsbot.commands.model;

import java.time.Instant;
import java.util.Optional;

/**
 * A hand-off of an on-call schedule as recorded: {@code user} takes over from {@code previous}
 * at {@code from}, until {@code until} as the schedule stood when it was recorded.
 *
 * @param done when its message was handed to the outbox (or it was recorded without one); empty while pending
 */
public record HandOff(String schedule, Instant from, Kind kind, String user, Instant until, Optional<String> previous,
                      Optional<Instant> done) {

    /** What is sent for a hand-off, each once. */
    public enum Kind {
        /** The direct message to the incoming person before the shift starts. */
        NOTICE,
        /** The line in the channels of the teams the schedule serves, at the hand-off. */
        ANNOUNCE
    }
}
