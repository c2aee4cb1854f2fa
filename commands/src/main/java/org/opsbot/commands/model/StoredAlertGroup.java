package org.opsbot.commands.model;

import java.util.Map;

/**
 * An alert group as stored. Times are epoch milliseconds; absent ones are null.
 *
 * @param source      ALERTMANAGER, GRAFANA or GENERIC
 * @param state       FIRING, ACKNOWLEDGED or RESOLVED
 * @param resolvedBy  who resolved it by hand; null when the source resolved it
 * @param truncatedAlerts alerts the source left out of its last notification
 * @param messageId   the outbox id of the group's parent message, once it was enqueued
 */
public record StoredAlertGroup(
        long id,
        String groupKey,
        String source,
        String team,
        String channel,
        String title,
        String severity,
        Map<String, String> groupLabels,
        String externalUrl,
        int truncatedAlerts,
        String state,
        String ackedBy,
        Long ackedAt,
        String resolvedBy,
        Long resolvedAt,
        boolean stillFiringNoted,
        String snoozedBy,
        Long snoozedUntil,
        String silenceId,
        String silencedBy,
        Long silencedUntil,
        Long messageId,
        long openedAt,
        long updatedAt) {

    public StoredAlertGroup {
        groupLabels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(groupLabels));
    }

    /** A copy with the fields a transition changes; everything else is kept. */
    public Builder with() {
        return new Builder(this);
    }

    /** Changes to a group, applied by {@link #with()}…{@link Builder#build()}. */
    public static final class Builder {
        private final StoredAlertGroup g;
        private String title, severity, state, ackedBy, resolvedBy, snoozedBy, silenceId, silencedBy;
        private Long ackedAt, resolvedAt, snoozedUntil, silencedUntil;
        private boolean stillFiringNoted;
        private int truncatedAlerts;
        private long updatedAt;

        private Builder(StoredAlertGroup g) {
            this.g = g;
            title = g.title; severity = g.severity; state = g.state; ackedBy = g.ackedBy; ackedAt = g.ackedAt;
            resolvedBy = g.resolvedBy; resolvedAt = g.resolvedAt; stillFiringNoted = g.stillFiringNoted;
            snoozedBy = g.snoozedBy; snoozedUntil = g.snoozedUntil; silenceId = g.silenceId;
            silencedBy = g.silencedBy; silencedUntil = g.silencedUntil; updatedAt = g.updatedAt;
            truncatedAlerts = g.truncatedAlerts;
        }

        public Builder title(String v) { title = v; return this; }
        public Builder severity(String v) { severity = v; return this; }
        public Builder state(String v) { state = v; return this; }
        public Builder acked(String by, Long at) { ackedBy = by; ackedAt = at; return this; }
        public Builder resolved(String by, Long at) { resolvedBy = by; resolvedAt = at; return this; }
        public Builder stillFiringNoted(boolean v) { stillFiringNoted = v; return this; }
        public Builder snoozed(String by, Long until) { snoozedBy = by; snoozedUntil = until; return this; }
        public Builder silenced(String id, String by, Long until) { silenceId = id; silencedBy = by; silencedUntil = until; return this; }
        public Builder updatedAt(long v) { updatedAt = v; return this; }
        public Builder truncatedAlerts(int v) { truncatedAlerts = v; return this; }

        public StoredAlertGroup build() {
            return new StoredAlertGroup(g.id, g.groupKey, g.source, g.team, g.channel, title, severity, g.groupLabels,
                    g.externalUrl, truncatedAlerts, state, ackedBy, ackedAt, resolvedBy, resolvedAt, stillFiringNoted, snoozedBy,
                    snoozedUntil, silenceId, silencedBy, silencedUntil, g.messageId, g.openedAt, updatedAt);
        }
    }
}
