package org.opsbot.commands.config;

import org.opsbot.commands.yaml.Problem;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.YamlList;
import org.opsbot.commands.yaml.YamlMap;
import org.opsbot.commands.yaml.YamlNode;
import org.opsbot.commands.yaml.YamlScalar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Type-checked access to a {@link YamlNode} tree that records a {@link Problem} instead of
 * throwing, so that one run reports everything wrong with a file. Paths in messages are the
 * dotted keys a person sees in the file ({@code teams.cdc.escalation.tiers[1].after}).
 */
class Binder {

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    Binder(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }

    void problem(int line, String message, String fix) {
        problems.add(new Problem(file, line, message, fix));
    }

    /** A mapping, or empty (and a problem) for anything else; YAML null counts as absent. */
    Optional<YamlMap> map(YamlNode node, String path) {
        if (node instanceof YamlMap map) {
            return Optional.of(map);
        }
        if (!isNull(node)) {
            problem(node.line(), path + " must be a mapping (key: value lines), but is " + node.describe(),
                    "write it as indented 'key: value' lines or {key: value, …}");
        }
        return Optional.empty();
    }

    Optional<YamlList> list(YamlNode node, String path) {
        if (node instanceof YamlList list) {
            return Optional.of(list);
        }
        if (!isNull(node)) {
            problem(node.line(), path + " must be a list, but is " + node.describe(),
                    "write it as '- item' lines or [item, …]");
        }
        return Optional.empty();
    }

    /** Reports keys of {@code map} that are not in {@code known}, suggesting the closest. */
    void onlyKeys(YamlMap map, String path, Collection<String> known) {
        for (var e : map.entries()) {
            if (!known.contains(e.key())) {
                var where = path.isEmpty() ? "the top level" : path;
                var suggestion = Suggestions.closest(e.key(), known);
                problem(e.line(), "unknown key '" + e.key() + "' in " + where, suggestion
                        .map(s -> "did you mean '" + s + "'? Rename it")
                        .orElse("remove it; the keys allowed here are " + String.join(", ", known)));
            }
        }
    }

    Optional<YamlScalar> scalar(YamlMap map, String key, String path, boolean required) {
        var entry = map.entry(key);
        if (entry.isEmpty() || isNull(entry.get().value())) {
            if (required) {
                problem(entry.map(YamlMap.Entry::line).orElse(map.line()), path + " needs '" + key + "'",
                        "add '" + key + ": …'");
            }
            return Optional.empty();
        }
        var value = entry.get().value();
        if (value instanceof YamlScalar scalar) {
            return Optional.of(scalar);
        }
        problem(value.line(), join(path, key) + " must be a single value, but is " + value.describe(),
                "write one value after '" + key + ":'");
        return Optional.empty();
    }

    Optional<String> text(YamlMap map, String key, String path, boolean required) {
        return scalar(map, key, path, required).map(YamlScalar::text).map(String::strip);
    }

    Optional<Duration> duration(YamlMap map, String key, String path, boolean required) {
        return scalar(map, key, path, required).flatMap(s -> duration(s, join(path, key)));
    }

    Optional<Duration> duration(YamlScalar scalar, String path) {
        try {
            return Optional.of(Durations.parse(scalar.text()));
        } catch (IllegalArgumentException e) {
            problem(scalar.line(), path + ": " + e.getMessage(), "use a duration such as 30s, 15m, 1h or 2d");
            return Optional.empty();
        }
    }

    Optional<Integer> integer(YamlMap map, String key, String path, int min, int max) {
        return scalar(map, key, path, false).flatMap(s -> {
            try {
                if (s.kind() == YamlScalar.Kind.NUMBER) {
                    int n = Integer.parseInt(s.text());
                    if (n >= min && n <= max) {
                        return Optional.of(n);
                    }
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problem(s.line(), join(path, key) + " must be a whole number from " + min + " to " + max
                    + ", but is '" + s.text() + "'", "write a number such as " + min);
            return Optional.empty();
        });
    }

    /** A list of single values; one bare value is accepted as a list of one. */
    List<YamlScalar> scalars(YamlMap map, String key, String path) {
        var node = map.get(key);
        if (node.isEmpty() || isNull(node.get())) {
            return List.of();
        }
        if (node.get() instanceof YamlScalar s) {
            return List.of(s);
        }
        var out = new ArrayList<YamlScalar>();
        list(node.get(), join(path, key)).ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                var item = list.items().get(i);
                if (item instanceof YamlScalar s && !s.isNull()) {
                    out.add(new YamlScalar(s.text().strip(), s.kind(), s.line()));
                } else {
                    problem(item.line(), join(path, key) + "[" + i + "] must be a single value, but is "
                            + item.describe(), "write one value per list item");
                }
            }
        });
        return out;
    }

    /** YAML null and blank text both mean "nothing written here" ({@code key:} or {@code key: ""}). */
    static boolean isNull(YamlNode node) {
        return node instanceof YamlScalar s && (s.isNull() || s.text().isBlank());
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
