package org.opsbot.commands.alert;

import java.time.Instant;

/**
 * The times an alert may carry. They are stored as milliseconds since the epoch and shown with
 * four-digit years, so 1970-01-01 to 9999-12-31 is the range; Go's zero time, which Alertmanager
 * and Grafana send for an {@code endsAt} that is not set, is "not set" rather than a time.
 */
public final class AlertTime {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Go's {@code time.Time{}} as RFC 3339: {@code 0001-01-01T00:00:00Z}. */
    public static final Instant GO_ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private AlertTime() {
    }

    public static boolean inRange(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }
}
