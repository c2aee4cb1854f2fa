package org.opsbot.commands.alert;

import java.util.Locale;
import java.util.Optional;

/**
 * One alert of a webhook that was skipped, and why: named by its place in the webhook and, where
 * they could be read, its fingerprint and alertname, so the sender can find it.
 *
 * @param index       the alert's position in the webhook's {@code alerts} list (0 for a single
 *                    generic alert)
 * @param fingerprint the fingerprint it was sent with, if it was a readable string
 * @param alertname   its {@code alertname} label (a generic alert's {@code title}), if readable
 * @param problem     what is wrong with it and what would be right, for the sender
 */
public record Rejection(int index, Optional<String> fingerprint, Optional<String> alertname, Reason reason,
                        String problem) {

    /** Why an alert was skipped; the {@code reason} tag of {@code opsbot.alerts.rejected}. */
    public enum Reason {
        /** A time that is not RFC 3339, or outside 1970-01-01 … 9999-12-31. */
        BAD_TIME,
        /** A field of the wrong JSON type: labels that are not an object, a label value that is a number, … */
        BAD_TYPE,
        /** A field of the right type whose value is not one of those allowed (an unknown {@code status}, …). */
        BAD_VALUE,
        /** More labels than accepted, a label or fingerprint longer than accepted. */
        TOO_LARGE,
        /** Text that is not valid UTF-8 (invalid bytes, or a lone UTF-16 surrogate in a {@code \\u} escape). */
        BAD_ENCODING,
        /** A required field is absent or empty. */
        MISSING_FIELD,
        /** The same fingerprint appears again in one webhook; the first is kept. */
        DUPLICATE;

        /** The tag value: {@code bad-time}, {@code missing-field}, … */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One line for a log: {@code alerts[2] (fingerprint fp2, alertname DiskFull): bad-time: …}. */
    public String describe() {
        StringBuilder s = new StringBuilder("alerts[").append(index).append(']');
        if (fingerprint.isPresent() || alertname.isPresent()) {
            s.append(" (");
            fingerprint.ifPresent(f -> s.append("fingerprint ").append(f));
            alertname.ifPresent(a -> s.append(fingerprint.isPresent() ? ", " : "").append("alertname ").append(a));
            s.append(')');
        }
        return s.append(": ").append(reason.tag()).append(": ").append(problem).toString();
    }
}
