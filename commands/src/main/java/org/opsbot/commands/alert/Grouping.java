package org.opsbot.commands.alert;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Route;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Routes each alert of a notification to a team and puts it in its group: Alertmanager's
 * {@code groupKey} (per team, as opsbot's routes may split one Alertmanager group), or the
 * route's {@code group-by} labels for other sources ({@code alertname} when it names none).
 */
final class Grouping {
    static final String FALLBACK_CHANNEL = "#alerts";

    /** The alerts of one group in one notification, with what a new group row would hold. */
    record Batch(String key, String team, String channel, String title, Map<String, String> groupLabels,
                 List<IncomingAlert> alerts) {
    }

    private final OpsbotConfig config;

    Grouping(OpsbotConfig config) {
        this.config = config;
    }

    /** Batches in key order, so concurrent webhooks lock groups in the same order. */
    List<Batch> batches(Notification n) {
        Map<String, Batch> byKey = new TreeMap<>();
        for (IncomingAlert alert : n.alerts()) {
            Optional<Route> route = config.route(alert.labels());
            String teamName = route.map(Route::team).orElse(null);
            Team team = teamName == null ? null : config.teams().get(teamName);
            String channel = Optional.ofNullable(team).flatMap(Team::channel)
                    .or(() -> config.slack().defaultChannel()).orElse(FALLBACK_CHANNEL);
            String teamLabel = teamName == null ? "unrouted" : teamName;
            Map<String, String> groupLabels;
            String sourceKey;
            List<String> groupBy = route.map(Route::groupBy).orElse(List.of());
            if (n.source() == AlertSource.ALERTMANAGER && n.groupKey().isPresent()
                    || n.source() == AlertSource.GRAFANA && n.groupKey().isPresent() && groupBy.isEmpty()) {
                sourceKey = n.groupKey().get();
                groupLabels = n.groupLabels();
            } else {
                groupLabels = new TreeMap<>();
                for (String label : groupBy.isEmpty() ? List.of("alertname") : groupBy) {
                    groupLabels.put(label, alert.labels().getOrDefault(label, ""));
                }
                sourceKey = groupLabels.toString();
            }
            String key = WebhookParser.sha256(n.source() + "\u0000" + teamLabel + "\u0000" + sourceKey);
            String title = alert.labels().getOrDefault("alertname", "Alert");
            byKey.computeIfAbsent(key, k -> new Batch(k, teamLabel, channel, title, groupLabels, new ArrayList<>()))
                    .alerts().add(alert);
        }
        return new ArrayList<>(byKey.values());
    }

    /** The configured severity of an alert: its {@code severity} label mapped by its team. */
    Optional<Severity> severity(String team, Map<String, String> labels) {
        Team t = config.teams().get(team);
        String label = labels.get("severity");
        if (label == null) {
            return Optional.empty();
        }
        String mapped = t == null ? label : t.severityMap().getOrDefault(label, label);
        return config.severity(mapped);
    }

    /** The most severe of the firing alerts' severities (config order: most severe first). */
    Optional<Severity> mostSevere(String team, List<Map<String, String>> labelSets) {
        List<Severity> all = config.severities();
        return labelSets.stream().map(l -> severity(team, l)).flatMap(Optional::stream)
                .min((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
    }

    static Map<String, String> ordered(Map<String, String> m) {
        return new LinkedHashMap<>(m);
    }
}
