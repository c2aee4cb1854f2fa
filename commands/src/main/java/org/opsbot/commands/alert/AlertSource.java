package org.opsbot.commands.alert;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where alerts come from: one class per source in this package, listed once in
 * {@link AlertSources}. A source names itself and says how its alerts are grouped. One that is
 * sent to opsbot over HTTP is a {@link WebhookSource} (its path and how it reads a body); one that
 * opsbot raises itself (a missed heartbeat, a failed scheduled job) implements only this and
 * hands its {@link Notification}s to {@link Alerts#receive}.
 */
public interface AlertSource {

    /**
     * The lower-case key that names the source to people and tools: the webhook path
     * ({@code /alerts/<key>}), the {@code source} tag of the metrics, the logs, the incident
     * timeline.
     */
    String key();

    /**
     * The name stored alert groups hold ({@code alert_group.source}) and their keys are derived
     * from: the key in upper case. A released source keeps it, or its open groups would no longer
     * receive their alerts.
     */
    default String storedName() {
        return key().toUpperCase(Locale.ROOT);
    }

    /**
     * Whether its groups can be silenced at the source through Alertmanager's silences API, at
     * the address the notification gave ({@code externalURL}). Otherwise people snooze the bot.
     */
    default boolean takesAlertmanagerSilences() {
        return false;
    }

    /**
     * The team an alert belongs to whatever the routes say: a source opsbot raises itself knows
     * it ({@link OpsbotSource}). Empty (the default) routes the alert by its labels.
     */
    default Optional<String> team(IncomingAlert alert) {
        return Optional.empty();
    }

    /** The title a new group of {@code alert} gets: its {@code alertname} by default. */
    default String title(IncomingAlert alert) {
        return alert.labels().getOrDefault("alertname", "Alert");
    }

    /**
     * The group an alert of {@code n} joins, before opsbot separates teams. By default the labels
     * the alert's route groups by ({@code routeGroupBy}), {@code alertname} when it names none.
     */
    default Group group(Notification n, IncomingAlert alert, List<String> routeGroupBy) {
        return Group.byLabels(alert.labels(), routeGroupBy);
    }

    /**
     * What an alert is grouped by.
     *
     * @param key    distinguishes the group among the source's groups of one team
     * @param labels the labels a new group row shows as its grouping
     */
    record Group(String key, Map<String, String> labels) {

        /** The labels {@code groupBy} names ({@code alertname} when it names none), "" for one the alert lacks. */
        public static Group byLabels(Map<String, String> alertLabels, List<String> groupBy) {
            Map<String, String> labels = new TreeMap<>();
            for (String label : groupBy.isEmpty() ? List.of("alertname") : groupBy) {
                labels.put(label, alertLabels.getOrDefault(label, ""));
            }
            return new Group(labels.toString(), labels);
        }

        /** The group the sender made itself (Alertmanager's {@code groupKey}), if it sent one. */
        public static Optional<Group> fromSender(Notification n) {
            return n.groupKey().map(key -> new Group(key, n.groupLabels()));
        }
    }
}
