package org.opsbot.commands.model;

import java.time.Instant;
import java.util.Optional;

/**
 * One step of a started procedure, as stored.
 *
 * @param index         from 0
 * @param text          what the step says, as it read when the procedure started
 * @param doneBy        who ticked a manual step, or who started the procedure for the others
 * @param note          what a check step found or how an action ended
 * @param actionRequest the request an action step made
 */
public record ProcedureStep(long runId, int index, Kind kind, String text, State state, Optional<String> doneBy,
                            Optional<Instant> doneAt, Optional<String> note, Optional<Long> actionRequest) {
    public enum Kind { MANUAL, CHECK, ACTION }

    public enum State { PENDING, RUNNING, WAITING, DONE, FAILED }
}
