package org.opsbot.commands.config;

import org.opsbot.commands.yaml.YamlMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/** Reads a {@code match:} mapping of routes and tiers: each label to a value or a list of values. */
final class LabelMatchBinder {
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private LabelMatchBinder() {
    }

    /** The matchers under {@code parent}'s {@code match:}, or none when it has no such key. */
    static LabelMatch bind(Binder in, YamlMap parent, String path) {
        var matchPath = path + ".match";
        var out = new LinkedHashMap<String, List<String>>();
        parent.get("match").flatMap(n -> in.map(n, matchPath)).ifPresent(mm -> {
            for (var e : mm.entries()) {
                if (!LABEL.matcher(e.key()).matches()) {
                    in.problem(e.line(), matchPath + ": '" + e.key() + "' is not a label name",
                            "label names are letters, digits and '_', not starting with a digit");
                    continue;
                }
                var values = new ArrayList<String>();
                in.scalars(mm, e.key(), matchPath).forEach(v -> values.add(v.text()));
                if (values.isEmpty()) {
                    in.problem(e.line(), matchPath + "." + e.key() + " has no value, so nothing would match",
                            "write a value, e.g. " + e.key() + ": value, or a list of values, e.g. " + e.key()
                                    + ": [one, two]");
                    continue;
                }
                out.put(e.key(), values);
            }
        });
        return new LabelMatch(out);
    }
}
