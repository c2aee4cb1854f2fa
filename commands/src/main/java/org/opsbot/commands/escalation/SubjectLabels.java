package org.opsbot.commands.escalation;

import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.store.AlertStore;

import java.util.List;
import java.util.Map;

/**
 * The labels a subject carries, for tiers limited by {@code match:}: the label sets of an alert
 * group's firing alerts (all its alerts once none fires). Incidents carry none, so a tier
 * limited by labels is passed over for them.
 */
@FunctionalInterface
public interface SubjectLabels {

    SubjectLabels NONE = subject -> List.of();

    /** One label set per alert; a tier applies when any of them matches. */
    List<Map<String, String>> of(String subject);

    /** Read where the alerts are kept, when a tier asks. */
    static SubjectLabels stored(AlertStore alerts) {
        return subject -> {
            var s = Subject.parse(subject).filter(p -> p.kind() == Subject.Kind.ALERT_GROUP);
            if (s.isEmpty()) {
                return List.of();
            }
            List<StoredAlert> all = alerts.alerts(s.get().id());
            List<StoredAlert> firing = all.stream().filter(StoredAlert::firing).toList();
            return (firing.isEmpty() ? all : firing).stream().map(StoredAlert::labels).toList();
        };
    }
}
