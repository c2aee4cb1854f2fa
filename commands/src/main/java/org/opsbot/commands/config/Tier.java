package org.opsbot.commands.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One step of an escalation policy.
 *
 * @param targets    whom the tier notifies ({@code notify:} in YAML; {@code notify} cannot name a
 *                   record component)
 * @param after      time since the alert group opened; non-decreasing along the policy
 * @param severities the levels this tier applies to; empty means all
 * @param hours      when set, the tier only applies inside these hours
 * @param webhook    when set, the tier also calls this pager webhook
 * @param match      labels the alert must carry for this tier to apply ({@code match:}); none:
 *                   every alert, and every incident (incidents carry no labels)
 */
public record Tier(String name, Duration after, List<NotifyTarget> targets, Set<String> severities,
                   Optional<BusinessHours> hours, Optional<PagerWebhook> webhook, LabelMatch match) {

    public Tier(String name, Duration after, List<NotifyTarget> targets, Set<String> severities,
                Optional<BusinessHours> hours) {
        this(name, after, targets, severities, hours, Optional.empty(), LabelMatch.ANY);
    }

    public Tier(String name, Duration after, List<NotifyTarget> targets, Set<String> severities,
                Optional<BusinessHours> hours, Optional<PagerWebhook> webhook) {
        this(name, after, targets, severities, hours, webhook, LabelMatch.ANY);
    }

    public Tier {
        targets = List.copyOf(targets);
        severities = Set.copyOf(severities);
    }

    public boolean appliesTo(String severity) {
        return severities.isEmpty() || severities.contains(severity);
    }
}
