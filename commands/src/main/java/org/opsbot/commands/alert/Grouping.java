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
import java.util.function.Supplier;

/**
 * Routes each alert of a notification to a team and puts it in its group: the group its source
 * says ({@link AlertSource#group}), per team, as opsbot's routes may split a sender's group.
 */
final class Grouping {
    static final String FALLBACK_CHANNEL = "#alerts";

    /** The alerts of one group in one notification, with what a new group row would hold. */
    record Batch(String key, String team, String channel, String title, Map<String, String> groupLabels,
                 List<IncomingAlert> alerts) {
    }

    private final Supplier<OpsbotConfig> live;

    Grouping(OpsbotConfig config) {
        this(() -> config);
    }

    Grouping(Supplier<OpsbotConfig> config) {
        this.live = config;
    }

    /** Batches in key order, so concurrent webhooks lock groups in the same order. */
    List<Batch> batches(Notification n) {
        OpsbotConfig config = live.get();
        Map<String, Batch> byKey = new TreeMap<>();
        for (IncomingAlert alert : n.alerts()) {
            Optional<Route> route = config.route(alert.labels());
            String teamName = n.source().team(alert).filter(config.teams()::containsKey)
                    .or(() -> route.map(Route::team)).orElse(null);
            Team team = teamName == null ? null : config.teams().get(teamName);
            String channel = Optional.ofNullable(team).flatMap(Team::channel)
                    .or(() -> config.slack().defaultChannel()).orElse(FALLBACK_CHANNEL);
            String teamLabel = teamName == null ? "unrouted" : teamName;
            List<String> groupBy = route.map(Route::groupBy).orElse(List.of());
            AlertSource.Group group = n.source().group(n, alert, groupBy);
            // The stored name, not the key: existing groups were keyed by it.
            String key = WebhookParser.sha256(n.source().storedName() + "\u0000" + teamLabel + "\u0000" + group.key());
            String title = n.source().title(alert);
            byKey.computeIfAbsent(key, k -> new Batch(k, teamLabel, channel, title, group.labels(), new ArrayList<>()))
                    .alerts().add(alert);
        }
        return new ArrayList<>(byKey.values());
    }

    /** The configured severity of an alert: its {@code severity} label mapped by its team. */
    Optional<Severity> severity(String team, Map<String, String> labels) {
        OpsbotConfig config = live.get();
        Team t = config.teams().get(team);
        String label = labels.get("severity");
        if (label == null) {
            return Optional.empty();
        }
        String mapped = t == null ? label : t.severityMap().getOrDefault(label, label);
        return config.severity(team, mapped);
    }

    /** The most severe of the firing alerts' severities (the team's order: most severe first). */
    Optional<Severity> mostSevere(String team, List<Map<String, String>> labelSets) {
        List<Severity> all = live.get().severities(team);
        return labelSets.stream().map(l -> severity(team, l)).flatMap(Optional::stream)
                .min((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
    }

    static Map<String, String> ordered(Map<String, String> m) {
        return new LinkedHashMap<>(m);
    }
}
