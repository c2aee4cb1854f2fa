package org.opsbot.commands.config;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maintenance windows as opsbot.yaml declares them: the recurring windows of the top-level
 * {@code maintenance:} list, the Alertmanager that window silences go to ({@code alertmanager-url},
 * global or per team) and each team's rule for ad hoc maintenance outside its windows.
 */
public record MaintenanceConfig(List<Window> windows, Optional<URI> alertmanagerUrl, Map<String, TeamRules> teams) {

    public static final MaintenanceConfig NONE = new MaintenanceConfig(List.of(), Optional.empty(), Map.of());

    public MaintenanceConfig {
        windows = List.copyOf(windows);
        teams = Ordered.copy(teams);
    }

    /**
     * A recurring window: it opens at each time of {@code cron} in {@code timeZone} and lasts
     * {@code duration}.
     *
     * @param labels  label → allowed values; empty: every alert of the team
     * @param silence also silence the labels in Alertmanager for the window's length
     * @param thenRun a runbook whose checks run when the window ends
     * @param line    where it is written, for problems found later (an unknown runbook)
     */
    public record Window(String name, String team, String cron, Duration duration, ZoneId timeZone,
                         Map<String, List<String>> labels, boolean silence, Optional<String> thenRun, int line) {
        public Window {
            labels = Ordered.copy(labels);
        }
    }

    /** A team's own Alertmanager and its approval rule for ad hoc maintenance. */
    public record TeamRules(Optional<URI> alertmanagerUrl, Optional<Approval> approval) {
    }

    /** {@code count} people of {@code role} approve within {@code within}, or the request lapses. */
    public record Approval(String role, int count, Duration within) {
    }

    public Optional<Window> window(String name) {
        return windows.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** Where a team's window silences go: its own Alertmanager, else the global one. */
    public Optional<URI> alertmanagerUrl(String team) {
        return Optional.ofNullable(teams.get(team)).flatMap(TeamRules::alertmanagerUrl).or(() -> alertmanagerUrl);
    }

    public Optional<Approval> approval(String team) {
        return Optional.ofNullable(teams.get(team)).flatMap(TeamRules::approval);
    }
}
