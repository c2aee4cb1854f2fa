package org.opsbot.commands.config;

import java.util.Map;
import java.util.Optional;

/**
 * A team that receives alerts.
 *
 * @param channel     where its alert groups are posted ({@code #name} or a channel id);
 *                    absent means {@code slack.default-channel}
 * @param responders  the role whose members may act on the team's alerts
 * @param severityMap an alert's {@code severity} label → a configured severity name
 */
public record Team(String name, Optional<String> channel, Optional<String> responders,
                   Map<String, String> severityMap, Escalation escalation) {

    public Team {
        severityMap = Ordered.copy(severityMap);
    }
}
