package org.opsbot.commands.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which team an alert goes to. Routes are tried in order and the first whose matchers all hold
 * wins; a route without matchers matches everything (the default, written last).
 *
 * @param match   label → exact value, or one of a list of values
 * @param matchRe label → regular expression over the whole value (anchored, as in Alertmanager)
 * @param groupBy labels that group alerts of sources without their own grouping
 */
public record Route(LabelMatch match, Map<String, Pattern> matchRe, String team, List<String> groupBy) {

    public Route {
        matchRe = Ordered.copy(matchRe);
        groupBy = List.copyOf(groupBy);
    }

    public boolean isCatchAll() {
        return match.isEmpty() && matchRe.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        if (!match.matches(labels)) {
            return false;
        }
        for (var m : matchRe.entrySet()) {
            var value = labels.get(m.getKey());
            if (value == null || !m.getValue().matcher(value).matches()) {
                return false;
            }
        }
        return true;
    }
}
