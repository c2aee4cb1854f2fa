package org.opsbot.commands.yaml;

import java.util.List;
import java.util.Optional;

/** A mapping in file order; duplicate keys are reported by the reader, the first one counts. */
public record YamlMap(List<Entry> entries, int line) implements YamlNode {

    public record Entry(String key, int line, YamlNode value) {
    }

    public YamlMap {
        entries = List.copyOf(entries);
    }

    public Optional<Entry> entry(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    public Optional<YamlNode> get(String key) {
        return entry(key).map(Entry::value);
    }

    @Override
    public String describe() {
        return "a mapping";
    }
}
