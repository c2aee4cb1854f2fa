package org.opsbot.commands.alert;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Route;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;

import java.util.Map;
import java.util.Optional;

/**
 * What the intake would make of one alert with these labels, decided exactly as it decides
 * ({@link Grouping}): the route it takes, its team and channel, and its severity after the team's
 * severity map. {@code opsbot route} prints it, the way {@code amtool config routes test} answers.
 *
 * @param route         the first route that matches, with its place in {@code routes:}; empty: unrouted
 * @param team          the team, or empty when no route matches
 * @param channel       where its group would be posted
 * @param severityLabel the alert's {@code severity} label, as sent
 * @param severity      the configured level it maps to; empty when it has none (tiers limited to
 *                      severities are then passed over)
 */
public record RouteTrace(Optional<Placed> route, Optional<Team> team, String channel, Optional<String> severityLabel,
                         Optional<Severity> severity) {

    /** A route and its 0-based index under {@code routes:}. */
    public record Placed(int index, Route route) {
    }

    /** The severity name a walk of this alert would carry ({@code none} without one, as the bot writes it). */
    public String walkSeverity() {
        return severity.map(Severity::name).orElse("none");
    }

    public static RouteTrace of(OpsbotConfig config, Map<String, String> labels) {
        Optional<Placed> placed = Optional.empty();
        for (int i = 0; i < config.routes().size(); i++) {
            if (config.routes().get(i).matches(labels)) {
                placed = Optional.of(new Placed(i, config.routes().get(i)));
                break;
            }
        }
        Optional<Team> team = placed.map(p -> config.teams().get(p.route().team()));
        String channel = team.flatMap(Team::channel).or(() -> config.slack().defaultChannel())
                .orElse(Grouping.FALLBACK_CHANNEL);
        Optional<Severity> severity = new Grouping(config).severity(team.map(Team::name).orElse("unrouted"), labels);
        return new RouteTrace(placed, team, channel, Optional.ofNullable(labels.get("severity")), severity);
    }
}
