package org.opsbot.commands.config;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Label matchers as {@code match:} writes them on routes and tiers: each label to one value or
 * to a list of values, any of which will do ({@code {category: [data-loss, security]}}). All
 * labels must hold; no matchers match everything.
 */
public record LabelMatch(Map<String, List<String>> values) {

    public static final LabelMatch ANY = new LabelMatch(Map.of());

    public LabelMatch {
        var copy = new java.util.LinkedHashMap<String, List<String>>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        values = Ordered.copy(copy);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (var m : values.entrySet()) {
            String value = labels.get(m.getKey());
            if (value == null || !m.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }

    /** {@code category=data-loss|security, team=cdc}, for messages and {@code opsbot route}. */
    public String describe() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + String.join("|", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
