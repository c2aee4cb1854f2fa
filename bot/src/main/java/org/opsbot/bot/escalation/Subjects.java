package org.opsbot.bot.escalation;

import org.opsbot.commands.model.Subject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What escalation needs from the features whose things it escalates (alert groups, incidents):
 * how to describe a subject in a page, where its thread is, and how to acknowledge it from a
 * page's button. Each feature answers for the subjects of its {@link Subject.Kind}; escalation
 * holds them as text (a walk, a button's value) and {@link Subject#parse parses} it first.
 */
public interface Subjects {

    Optional<Description> find(Subject subject);

    /**
     * Acknowledges {@code subject} as {@code userId} did it on their own message, with all that
     * implies there (state, audit, escalation); returns what to tell them.
     */
    String acknowledge(Subject subject, String userId);

    /** The bot paged these people about {@code subject}: they may act on it from now on. */
    default void paged(Subject subject, List<String> userIds) {
    }

    /** The subject's escalation moved on (a tier was paged): its message may show where it stands. */
    default void changed(Subject subject) {
    }

    /** What is answered for a subject nobody owns, or one that is no longer there. */
    String NOTHING_TO_ACKNOWLEDGE = "There is nothing to acknowledge any more.";

    /**
     * A subject as a page shows it. Everything in it but {@code standing}, {@code threadParent}
     * and {@code ref} may come from outside (an alert's name and annotations, an incident's title)
     * and is escaped where it is shown.
     *
     * @param threadParent the outbox id of the subject's message, for mentions in its thread
     * @param link         where the subject can be seen (a permalink or a source URL), if known
     * @param ref          how people name it in commands ("#12"); empty when its title says it
     * @param summary      what is wrong, with the values it fired with ("Replication lag is 12840 changes")
     * @param runbook      the runbook it names, if any
     * @param standing     where it stands now, and who put it there
     */
    record Description(String title, String team, String severity, String channel,
                       Optional<Long> threadParent, Optional<String> link, String ref, Optional<String> summary,
                       Optional<String> runbook, Standing standing) {

        public Description(String title, String team, String severity, String channel,
                           Optional<Long> threadParent, Optional<String> link) {
            this(title, team, severity, channel, threadParent, link, "", Optional.empty(), Optional.empty(), Standing.OPEN);
        }
    }

    /**
     * Where a subject stands for the people paged about it.
     *
     * @param by who put it there (a user id, or "opsbot" for its source), if known
     * @param at when (for a snooze: until when), if known
     */
    record Standing(State state, Optional<String> by, Optional<Instant> at) {
        public static final Standing OPEN = new Standing(State.OPEN, Optional.empty(), Optional.empty());

        public enum State {
            /** nobody has taken it: paging goes on */
            OPEN,
            /** someone took it */
            ACKNOWLEDGED,
            /** muted until {@code at}, then paging starts again */
            SNOOZED,
            /** over */
            RESOLVED
        }

        public static Standing of(State state, String by, Long atMillis) {
            return new Standing(state, Optional.ofNullable(by), Optional.ofNullable(atMillis).map(Instant::ofEpochMilli));
        }

        /** Acknowledging it means something: nobody has, and it is not over. */
        public boolean open() {
            return state == State.OPEN || state == State.SNOOZED;
        }
    }

    /** Until a feature registers its subjects. */
    static Subjects none() {
        return new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return Optional.empty();
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                return NOTHING_TO_ACKNOWLEDGE;
            }
        };
    }

    /** Several owners behind one registration, each answering for the subjects of its kind. */
    static Subjects byKind(Map<Subject.Kind, Subjects> owners) {
        Map<Subject.Kind, Subjects> copy = Map.copyOf(owners);
        return new Subjects() {
            private Subjects owner(Subject subject) {
                return copy.getOrDefault(subject.kind(), none());
            }

            @Override
            public Optional<Description> find(Subject subject) {
                return owner(subject).find(subject);
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                return owner(subject).acknowledge(subject, userId);
            }

            @Override
            public void paged(Subject subject, List<String> userIds) {
                owner(subject).paged(subject, userIds);
            }

            @Override
            public void changed(Subject subject) {
                owner(subject).changed(subject);
            }
        };
    }
}
