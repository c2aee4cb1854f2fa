package org.opsbot.commands.escalation;

import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.store.AlertStore;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a subject stands in its own feature, read when its walk falls due. A subject's change is
 * committed before the walk hears of it, so a process killed in between leaves a walk that would
 * page for something already acknowledged or resolved; the walk is reconciled with this first.
 * A subject this knows nothing about (an incident) is walked as before.
 */
@FunctionalInterface
public interface SubjectStates {

    SubjectStates UNKNOWN = subject -> Optional.empty();

    Optional<State> of(String subject);

    /**
     * @param by who put it there (a user id; "opsbot" for its source), if known
     * @param at when it was acknowledged or resolved; for a snooze, until when
     */
    record State(Kind kind, Optional<String> by, Optional<Instant> at) {
        public enum Kind { FIRING, ACKNOWLEDGED, SNOOZED, RESOLVED }

        static final State FIRING = new State(Kind.FIRING, Optional.empty(), Optional.empty());

        static State of(Kind kind, String by, Long atMillis) {
            return new State(kind, Optional.ofNullable(by), Optional.ofNullable(atMillis).map(Instant::ofEpochMilli));
        }
    }

    /** Read where alert groups are kept. */
    static SubjectStates stored(AlertStore alerts) {
        return subject -> Subject.parse(subject).filter(s -> s.kind() == Subject.Kind.ALERT_GROUP)
                .flatMap(s -> alerts.group(s.id())).map(SubjectStates::of);
    }

    private static State of(StoredAlertGroup g) {
        StoredAlertGroup.Lifecycle l = g.lifecycle();
        return switch (g.state()) {
            case RESOLVED -> State.of(State.Kind.RESOLVED, l.resolvedBy() == null ? "opsbot" : l.resolvedBy(), l.resolvedAt());
            case ACKNOWLEDGED -> State.of(State.Kind.ACKNOWLEDGED, l.ackedBy(), l.ackedAt());
            // Whether the snooze still runs is judged by the walk's clock.
            case FIRING -> g.mutes().snoozedUntil() == null ? State.FIRING
                    : State.of(State.Kind.SNOOZED, g.mutes().snoozedBy(), g.mutes().snoozedUntil());
        };
    }
}
