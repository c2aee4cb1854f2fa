package org.opsbot.commands.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A team that receives alerts.
 *
 * @param channel     where its alert groups are posted ({@code #name} or a channel id);
 *                    absent means {@code slack.default-channel}
 * @param responders  the role whose members may act on the team's alerts
 * @param severityMap an alert's {@code severity} label → a configured severity name
 * @param severities  the team's own levels, most severe first; empty: the global {@code severities:}
 * @param contacts    whom to reach about the team's systems, in the file's order
 */
public record Team(String name, Optional<String> channel, Optional<String> responders,
                   Map<String, String> severityMap, Escalation escalation, List<Severity> severities,
                   List<Contact> contacts) {

    public Team(String name, Optional<String> channel, Optional<String> responders, Map<String, String> severityMap,
                Escalation escalation) {
        this(name, channel, responders, severityMap, escalation, List.of(), List.of());
    }

    public Team {
        severityMap = Ordered.copy(severityMap);
        severities = List.copyOf(severities);
        contacts = List.copyOf(contacts);
    }

    /** The same team with another escalation policy (a policy of one tier, for the roster). */
    public Team withEscalation(Escalation other) {
        return new Team(name, channel, responders, severityMap, other, severities, contacts);
    }
}
