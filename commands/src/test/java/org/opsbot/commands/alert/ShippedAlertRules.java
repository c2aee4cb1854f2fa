package org.opsbot.commands.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Prometheus alert rules shipped under {@code deploy/prometheus/} (one file per seed's
 * system), read as Prometheus reads them: for the tests that check them with promtool and send
 * an alert of each through the bot.
 */
public final class ShippedAlertRules {
    /** The folder, from a module's directory (the tests' working directory). */
    public static final Path FOLDER = Path.of("..", "deploy", "prometheus");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One alerting rule: its file, its name and the labels and annotations it gives its alerts. */
    public record Rule(String file, String alert, Map<String, String> labels, Map<String, String> annotations) {
        /** The labels an alert of this rule arrives with: its own plus {@code alertname}. */
        public Map<String, String> alertLabels() {
            Map<String, String> all = new LinkedHashMap<>(labels);
            all.put("alertname", alert);
            return all;
        }
    }

    private ShippedAlertRules() {
    }

    public static List<Path> files() {
        try (Stream<Path> files = Files.list(FOLDER)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Rule> all() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : files()) {
            try {
                for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        if (rule.has("alert")) {
                            rules.add(new Rule(file.getFileName().toString(), rule.path("alert").asText(),
                                    strings(rule.path("labels")), strings(rule.path("annotations"))));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rules;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
