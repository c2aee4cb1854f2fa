package org.opsbot.commands.model;


import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An incident as stored.
 *
 * @param originChannel where it was declared: {@code /ops incident update} there needs no id
 * @param channel       its own channel, when one was created for it (there, too, commands need no id)
 * @param messageId     the outbox id of the incident message, updated in place
 * @param lastUpdateAt  the last status update (or the declaration); the reminder counts from it
 */
public record Incident(long id, String severity, String title, Optional<String> team, String commander,
                       String declaredBy, State state, Optional<String> originChannel, Optional<String> channel, Optional<Long> messageId,
                       Instant declaredAt, Optional<Instant> ackedAt, Optional<String> ackedBy,
                       Optional<Instant> mitigatedAt, Optional<Instant> resolvedAt, Optional<String> resolvedBy,
                       Instant lastUpdateAt, Optional<Instant> remindedAt) {

    public enum State { OPEN, RESOLVED }

    /** Its name for escalation and the audit log. */
    public String subject() {
        return subjectOf(id);
    }

    public static String subjectOf(long id) {
        return Subject.incident(id).toString();
    }

    public boolean open() {
        return state == State.OPEN;
    }

    public Optional<Duration> timeToAcknowledge() {
        return ackedAt.map(at -> Duration.between(declaredAt, at));
    }

    public Optional<Duration> timeToMitigate() {
        return mitigatedAt.map(at -> Duration.between(declaredAt, at));
    }

    public Optional<Duration> timeToResolve() {
        return resolvedAt.map(at -> Duration.between(declaredAt, at));
    }
}
