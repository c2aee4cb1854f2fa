package org.opsbot.commands.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What opsbot escalates and audits: an alert group or an incident. Its {@link #toString() text}
 * is what the escalation table, the hash-chained audit log, the outbox keys and buttons already
 * posted in Slack hold ({@code alert-group:42}, {@code incident:7}), so it never changes; this
 * type is the only place that spells it out.
 */
public record Subject(Kind kind, long id) {

    public enum Kind {
        ALERT_GROUP("alert-group"),
        INCIDENT("incident");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** How the kind is written: {@code alert-group}; pagers get it as a class of event. */
        public String key() {
            return key;
        }

        /** The text every subject of this kind starts with: {@code alert-group:}. */
        public String prefix() {
            return key + ":";
        }
    }

    // Digits only: "alert-group:+1" or "alert-group:01" are not what opsbot writes.
    private static final Pattern TEXT = Pattern.compile("([a-z-]+):(0|[1-9][0-9]{0,17})");

    public Subject {
        if (kind == null) {
            throw new IllegalArgumentException("a subject has a kind");
        }
        if (id < 0) {
            throw new IllegalArgumentException("a subject's id is not negative: " + id);
        }
    }

    public static Subject alertGroup(long id) {
        return new Subject(Kind.ALERT_GROUP, id);
    }

    public static Subject incident(long id) {
        return new Subject(Kind.INCIDENT, id);
    }

    /**
     * The subject {@code text} names, as {@link #toString()} writes it; empty for anything else
     * (a button value or a walk of some other kind is not trusted to be one).
     */
    public static Optional<Subject> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind.key.equals(m.group(1))) {
                return Optional.of(new Subject(kind, Long.parseLong(m.group(2))));
            }
        }
        return Optional.empty();
    }

    /** The id of the subject {@code text} names when it is of {@code kind}. */
    public static Optional<Long> idOf(String text, Kind kind) {
        return parse(text).filter(s -> s.kind == kind).map(Subject::id);
    }

    /** The stored form: {@code alert-group:42}. */
    @Override
    public String toString() {
        return kind.prefix() + id;
    }
}
