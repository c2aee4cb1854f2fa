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
}
