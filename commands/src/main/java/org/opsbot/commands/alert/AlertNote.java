package org.opsbot.commands.alert;

import org.opsbot.commands.model.StoredAlert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Something that happened to an alert group, told in its thread. */
public sealed interface AlertNote {

    /** Alerts that started firing in a group that was already open; mentions the acknowledger. */
    record NewAlerts(List<StoredAlert> alerts, Optional<String> ackedBy) implements AlertNote {
    }

    record AlertsResolved(List<StoredAlert> alerts) implements AlertNote {
    }

    /** Every alert resolved at the source, so the group resolved itself. */
    record ResolvedAtSource() implements AlertNote {
    }

    /** A new firing episode in a resolved group. */
    record Reopened(List<StoredAlert> alerts) implements AlertNote {
    }

    /** The source still fires the episode someone resolved by hand; said once per resolve. */
    record StillFiringAtSource(String resolvedBy) implements AlertNote {
    }

    record Acknowledged(String by) implements AlertNote {
    }

    record Unacknowledged(String by) implements AlertNote {
    }

    record ResolvedByHand(String by) implements AlertNote {
    }

    record Snoozed(String by, Instant until) implements AlertNote {
    }

    record SnoozeEnded() implements AlertNote {
    }

    record Silenced(String by, Instant until, String silenceId) implements AlertNote {
    }

    record SilenceEnded(Optional<String> removedBy) implements AlertNote {
    }

    record Note(String by, String text) implements AlertNote {
    }
}
