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
 * @param businessHours what stats count as in hours; empty: Mon–Fri 09:00–18:00 in the zone of
 *                    the team's first schedule
 * @param severities  the team's own levels, most severe first; empty: the global {@code severities:}
 * @param contacts    whom to reach about the team's systems, in the file's order
 * @param members     people ({@code U…}) and user groups ({@code @handle}) listed under
 *                    {@code members:}, beyond those {@link TeamMembers} finds in its role and tiers
 */
public record Team(String name, Optional<String> channel, Optional<String> responders,
                   Map<String, String> severityMap, Escalation escalation, Optional<BusinessHours> businessHours,
                   Digest digest, List<Severity> severities, List<Contact> contacts, List<String> members) {

    public Team {
        severityMap = Ordered.copy(severityMap);
        severities = List.copyOf(severities);
        contacts = List.copyOf(contacts);
        members = List.copyOf(members);
    }

    public Team(String name, Optional<String> channel, Optional<String> responders, Map<String, String> severityMap,
                Escalation escalation, Optional<BusinessHours> businessHours, Digest digest, List<Severity> severities,
                List<Contact> contacts) {
        this(name, channel, responders, severityMap, escalation, businessHours, digest, severities, contacts, List.of());
    }

    public Team(String name, Optional<String> channel, Optional<String> responders, Map<String, String> severityMap,
                Escalation escalation) {
        this(name, channel, responders, severityMap, escalation, Optional.empty(), Digest.DEFAULT);
    }

    public Team(String name, Optional<String> channel, Optional<String> responders, Map<String, String> severityMap,
                Escalation escalation, Optional<BusinessHours> businessHours, Digest digest) {
        this(name, channel, responders, severityMap, escalation, businessHours, digest, List.of(), List.of());
    }

    /** The same team with another escalation policy (a policy of one tier, for the roster). */
    public Team withEscalation(Escalation other) {
        return new Team(name, channel, responders, severityMap, other, businessHours, digest, severities, contacts, members);
    }
}
