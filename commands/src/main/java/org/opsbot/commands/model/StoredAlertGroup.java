package org.opsbot.commands.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert group as stored, in three parts that change for different reasons: its
 * {@link Route} (fixed when it opens), its {@link Lifecycle} (what people and the source did
 * to it) and its {@link Mutes} (snooze and silence). Times are epoch milliseconds; absent ones
 * are null. Which moves between states are allowed is decided in the engine
 * ({@code org.opsbot.commands.alert.GroupStates}); this is only what is stored.
 *
 * @param truncatedAlerts alerts the source left out of its last notification
 * @param messageId       the outbox id of the group's parent message, once it was enqueued
 */
public record StoredAlertGroup(
        long id,
        Route route,
        String title,
        String severity,
        int truncatedAlerts,
        Lifecycle lifecycle,
        Mutes mutes,
        Long messageId,
        long openedAt,
        long updatedAt) {

    /** Stored as its name in {@code alert_group.state}. */
    public enum State { FIRING, ACKNOWLEDGED, RESOLVED }

    /**
     * Where the group came from and where it is told; set when it opens and never saved again.
     *
     * @param source      the stored name of its alert source: ALERTMANAGER, GRAFANA, GENERIC
     * @param externalUrl the source's own address (Alertmanager's {@code externalURL}), if it sent one
     */
    public record Route(String groupKey, String source, String team, String channel, Map<String, String> groupLabels,
                        String externalUrl) {

        public Route {
            groupLabels = Collections.unmodifiableMap(new TreeMap<>(groupLabels));
        }
    }

    /**
     * Where the group stands and who moved it there.
     *
     * @param resolvedBy       who resolved it by hand; null when the source resolved it
     * @param stillFiringNoted the thread was told that a group resolved by hand still fires at the source
     */
    public record Lifecycle(State state, String ackedBy, Long ackedAt, String resolvedBy, Long resolvedAt,
                            boolean stillFiringNoted) {

        public Lifecycle {
            if (state == null) {
                throw new IllegalArgumentException("an alert group has a state");
            }
        }
    }

    /** The bot's snooze and the source's silence, each all null when there is none. */
    public record Mutes(String snoozedBy, Long snoozedUntil, String silenceId, String silencedBy, Long silencedUntil) {

        public static final Mutes NONE = new Mutes(null, null, null, null, null);
    }

    /** The group's state; its lifecycle says who moved it there and when. */
    public State state() {
        return lifecycle.state();
    }

    /**
     * A group about to open: not stored yet (id 0), {@code lifecycle} as it starts, no severity,
     * no mutes and no message.
     */
    public static StoredAlertGroup opening(Route route, String title, Lifecycle lifecycle, long now) {
        return new StoredAlertGroup(0, route, title, null, 0, lifecycle, Mutes.NONE, null, now, now);
    }

    /** A copy with the parts a change touches; the route, the message and the opening stay. */
    public Builder with() {
        return new Builder(this);
    }

    /** Changes to a group, applied by {@link #with()}…{@link Builder#build()}. */
    public static final class Builder {
        private final StoredAlertGroup g;
        private String title, severity;
        private int truncatedAlerts;
        private Lifecycle lifecycle;
        private Mutes mutes;
        private long updatedAt;

        private Builder(StoredAlertGroup g) {
            this.g = g;
            title = g.title;
            severity = g.severity;
            truncatedAlerts = g.truncatedAlerts;
            lifecycle = g.lifecycle;
            mutes = g.mutes;
            updatedAt = g.updatedAt;
        }

        public Builder title(String v) { title = v; return this; }
        public Builder severity(String v) { severity = v; return this; }
        public Builder truncatedAlerts(int v) { truncatedAlerts = v; return this; }
        public Builder lifecycle(Lifecycle v) { lifecycle = v; return this; }
        public Builder mutes(Mutes v) { mutes = v; return this; }
        public Builder updatedAt(long v) { updatedAt = v; return this; }

        public StoredAlertGroup build() {
            return new StoredAlertGroup(g.id, g.route, title, severity, truncatedAlerts, lifecycle, mutes, g.messageId,
                    g.openedAt, updatedAt);
        }
    }
}
