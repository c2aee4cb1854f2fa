package org.opsbot.commands.alert;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One notification from an alert source (a webhook), normalised: the alerts that could be read,
 * each fingerprint once, and a {@link Rejection} for each one that could not (they are skipped,
 * logged and counted, never a reason to refuse the rest).
 *
 * @param groupKey    the source's own group (Alertmanager's {@code groupKey}), if it has one
 * @param groupLabels the labels the source grouped by
 * @param externalUrl the Alertmanager (or Grafana) that sent it: where silences are created
 * @param truncated   alerts the source left out ({@code truncatedAlerts})
 */
public record Notification(AlertSource source, Optional<String> groupKey, Map<String, String> groupLabels,
                           Optional<String> externalUrl, List<IncomingAlert> alerts, List<Rejection> rejected,
                           int truncated) {

    public Notification {
        groupLabels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(groupLabels));
        alerts = List.copyOf(alerts);
        rejected = List.copyOf(rejected);
        if (alerts.stream().map(IncomingAlert::fingerprint).distinct().count() != alerts.size()) {
            throw new IllegalArgumentException("a notification holds each fingerprint once");
        }
    }
}
