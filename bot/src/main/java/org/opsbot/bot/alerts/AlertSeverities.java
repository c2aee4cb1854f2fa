package org.opsbot.bot.alerts;

import org.opsbot.commands.config.Severity;
import org.opsbot.commands.model.StoredAlert;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How severe a group and each of its alerts are, and how that shows: the icon of each alert
 * line follows the alert's own severity (a {@code warning} alert in a critical group is not red),
 * the colour of the message follows the group's (its most severe firing alert's).
 *
 * @param order   the configured severities, most severe first
 * @param group   the group's severity
 * @param ofAlert one alert's own severity, from its labels as its team maps them
 */
record AlertSeverities(List<Severity> order, Optional<Severity> group, Function<StoredAlert, Optional<Severity>> ofAlert) {
    private static final List<String> ICONS = List.of(":red_circle:", ":large_orange_circle:", ":large_yellow_circle:",
            ":large_blue_circle:");
    private static final List<String> COLOURS = List.of("#d93025", "#f29900", "#f2c744", "#1d9bd1");

    AlertSeverities {
        order = List.copyOf(order);
    }

    /** Every alert as severe as its group: for a group whose alerts carry no severity of their own. */
    static AlertSeverities ofGroup(List<Severity> order, Optional<Severity> group) {
        return new AlertSeverities(order, group, a -> Optional.empty());
    }

    /** A firing alert's icon: its own severity's, else its group's; the most severe level when neither is known. */
    String icon(StoredAlert a) {
        return ICONS.get(rank(ofAlert.apply(a).or(() -> group)));
    }

    /** The icon of the most severe of {@code alerts}. */
    String icon(List<StoredAlert> alerts) {
        return ICONS.get(alerts.stream().mapToInt(a -> rank(ofAlert.apply(a).or(() -> group))).min().orElse(0));
    }

    /** The group's colour: its severity's own colour from opsbot.yaml, else by its rank. */
    String colour() {
        return group.flatMap(Severity::colour).orElse(COLOURS.get(rank(group)));
    }

    private int rank(Optional<Severity> s) {
        int i = s.map(order::indexOf).orElse(0);
        return Math.min(Math.max(i, 0), ICONS.size() - 1);
    }
}
