package org.opsbot.commands.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One maintenance window as stored: an ad hoc one, or one occurrence of a recurring window
 * ({@code windowName}) once it started or was skipped.
 *
 * @param labels   label → allowed values; empty: every alert of the team
 * @param endsAt   the effective end (moved to the moment it was ended by hand)
 * @param skipped  an occurrence of a recurring window that is not to happen
 * @param endedBy  who ended it early
 * @param silenceId the Alertmanager silence it created
 */
public record MaintenanceWindow(long id, String team, Optional<String> windowName, Map<String, List<String>> labels,
                                Instant startsAt, Instant endsAt, String reason, String createdBy, boolean skipped,
                                Optional<String> endedBy, Optional<String> silenceId) {

    public MaintenanceWindow {
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    public boolean activeAt(Instant now) {
        return !skipped && !startsAt.isAfter(now) && endsAt.isAfter(now);
    }

    /** "cdc-weekly", or "ad hoc maintenance #12". */
    public String title() {
        return windowName.orElse("ad hoc maintenance #" + id);
    }
}
