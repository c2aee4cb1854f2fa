package org.opsbot.bot.escalation;

import java.util.Optional;

/**
 * What escalation needs from the features whose things it escalates (alert groups, incidents):
 * how to describe a subject in a page, where its thread is, and how to acknowledge it from a
 * page's button. Each feature answers for the subjects it owns ({@code alert-group:…}).
 */
public interface Subjects {

    Optional<Subject> find(String subject);

    /**
     * Acknowledges {@code subject} as {@code userId} did it on their own message, with all that
     * implies there (state, audit, escalation); returns what to tell them.
     */
    String acknowledge(String subject, String userId);

    /** The bot paged these people about {@code subject}: they may act on it from now on. */
    default void paged(String subject, java.util.List<String> userIds) {
    }

    /** The subject's escalation moved on (a tier was paged): its message may show where it stands. */
    default void changed(String subject) {
    }

    /**
     * @param threadParent the outbox id of the subject's message, for mentions in its thread
     * @param link         where the subject can be seen (a permalink or a source URL), if known
     */
    record Subject(String id, String title, String team, String severity, String channel,
                   Optional<Long> threadParent, Optional<String> link) {
    }

    /** Until a feature registers its subjects. */
    static Subjects none() {
        return new Subjects() {
            @Override
            public Optional<Subject> find(String subject) {
                return Optional.empty();
            }

            @Override
            public String acknowledge(String subject, String userId) {
                return "There is nothing to acknowledge any more.";
            }
        };
    }

    /**
     * Several owners behind one registration, each answering for the subjects that start with
     * its prefix ({@code alert-group:}, {@code incident:}).
     */
    static Subjects byPrefix(java.util.Map<String, Subjects> owners) {
        java.util.Map<String, Subjects> copy = java.util.Map.copyOf(owners);
        java.util.function.Function<String, Subjects> owner = subject -> copy.entrySet().stream()
                .filter(e -> subject.startsWith(e.getKey())).map(java.util.Map.Entry::getValue).findFirst().orElse(none());
        return new Subjects() {
            @Override
            public Optional<Subject> find(String subject) {
                return owner.apply(subject).find(subject);
            }

            @Override
            public String acknowledge(String subject, String userId) {
                return owner.apply(subject).acknowledge(subject, userId);
            }

            @Override
            public void paged(String subject, java.util.List<String> userIds) {
                owner.apply(subject).paged(subject, userIds);
            }

            @Override
            public void changed(String subject) {
                owner.apply(subject).changed(subject);
            }
        };
    }
}
