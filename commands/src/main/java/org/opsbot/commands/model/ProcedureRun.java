package org.opsbot.commands.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One started procedure, as stored.
 *
 * @param params      the values given when it started, for its action steps
 * @param incident    the incident it was started for, whose timeline shows its steps
 * @param currentStep the index of the step it is on (the number of steps once it succeeded)
 * @param messageId   the outbox id of its living message, once posted
 * @param outcome     why it ended, once it did
 * @param version     how many times its state changed: a message drawn from this state shows it
 */
public record ProcedureRun(long id, String runbook, String name, String title, String startedBy, String channel,
                           Optional<Long> incident, Map<String, String> params, State state, int currentStep,
                           Optional<Long> messageId, Instant startedAt, Optional<Instant> finishedAt,
                           Optional<String> outcome, long version) {
    public ProcedureRun {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public enum State {
        RUNNING, WAITING, SUCCEEDED, FAILED, CANCELLED;

        public boolean ended() {
            return this != RUNNING && this != WAITING;
        }
    }

    /** {@code runbook/name}, what {@code /ops procedure} takes. */
    public String reference() {
        return runbook + "/" + name;
    }
}
