package org.opsbot.commands.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * opsbot.yaml, validated: every reference in it (roles, teams, schedules, severities) names
 * something that exists. Maps keep the file's order.
 *
 * @param roles       role → Slack user ids and {@code @usergroup} handles
 * @param severities  most severe first
 * @param routes      first match wins
 * @param permissions command → roles allowed to run it
 * @param heartbeats  the dead-man's switches that check in at {@code POST /heartbeats/<name>}
 * @param maintenance recurring maintenance windows and the rules of ad hoc ones
 */
public record OpsbotConfig(SlackConfig slack, Map<String, List<String>> roles, List<Severity> severities,
                           Map<String, Schedule> schedules, Map<String, Team> teams, List<Route> routes,
                           Map<String, List<String>> permissions, ServerConfig server,
                           List<Heartbeat> heartbeats, MaintenanceConfig maintenance) {

    public OpsbotConfig {
        roles = Ordered.copy(roles);
        severities = List.copyOf(severities);
        schedules = Ordered.copy(schedules);
        teams = Ordered.copy(teams);
        routes = List.copyOf(routes);
        permissions = Ordered.copy(permissions);
        heartbeats = List.copyOf(heartbeats);
    }

    /** The configuration without heartbeats and maintenance windows; kept so existing callers compile. */
    public OpsbotConfig(SlackConfig slack, Map<String, List<String>> roles, List<Severity> severities,
                        Map<String, Schedule> schedules, Map<String, Team> teams, List<Route> routes,
                        Map<String, List<String>> permissions, ServerConfig server) {
        this(slack, roles, severities, schedules, teams, routes, permissions, server, List.of(), MaintenanceConfig.NONE);
    }

    public Optional<Heartbeat> heartbeat(String name) {
        return heartbeats.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Optional<Severity> severity(String name) {
        return severities.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The levels of {@code team}: its own {@code severities:}, else the global list. Most severe first. */
    public List<Severity> severities(String team) {
        Team t = team == null ? null : teams.get(team);
        return t == null || t.severities().isEmpty() ? severities : t.severities();
    }

    /** The level {@code name} as {@code team} defines it (its own list, else the global one). */
    public Optional<Severity> severity(String team, String name) {
        return severities(team).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The first route matching {@code labels}; empty when there is no default route. */
    public Optional<Route> route(Map<String, String> labels) {
        return routes.stream().filter(r -> r.matches(labels)).findFirst();
    }

    /** "2 teams, 3 routes, 4 severities, 1 schedule, 2 roles" for validate's OK line and the banner. */
    public String summary() {
        return count(teams.size(), "team") + ", " + count(routes.size(), "route") + ", "
                + count(severities.size(), "severity", "severities") + ", "
                + count(schedules.size(), "schedule") + ", " + count(roles.size(), "role");
    }

    private static String count(int n, String one) {
        return count(n, one, one + "s");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
