package org.opsbot.commands.config;

import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.YamlNode;
import org.opsbot.commands.yaml.YamlScalar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * opsbot.yaml's {@code heartbeats:}, a list of {@code {name, team, every, grace, severity}}:
 * each name once and usable in a URL path, the team and the severity defined, the durations
 * sensible. Problems are reported with their line like the rest of the file.
 */
final class HeartbeatsBinder {
    static final String SECTION = "heartbeats";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final List<String> KEYS = List.of("name", "team", "every", "grace", "severity");
    /** Shorter than the scheduler's tick (5 s) could not be told apart from a late tick. */
    private static final Duration SHORTEST = Duration.ofSeconds(10);

    private final Binder in;

    private BiPredicate<String, String> reported = (section, name) -> false;

    HeartbeatsBinder(Binder in) {
        this.in = in;
    }

    /**
     * @param reported  whether a name of a section (teams, severities) is declared but broken, or
     *                  its section unreadable: a problem already reported, so a heartbeat naming
     *                  it is not reported again
     * @param ownLevels a team's own severity names ({@code teams.<team>.severities}), empty when
     *                  it uses the global ones: the missed-heartbeat alert is that team's
     */
    List<Heartbeat> bind(Optional<YamlNode> node, Collection<String> teams, Collection<String> severities,
                         Function<String, List<String>> ownLevels, BiPredicate<String, String> reported) {
        this.reported = reported;
        List<Heartbeat> out = new ArrayList<>();
        if (node.isEmpty() || Binder.isNull(node.get())) {
            return out;
        }
        var list = in.list(node.get(), SECTION);
        if (list.isEmpty()) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        var items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            var path = SECTION + "[" + i + "]";
            var hm = in.map(items.get(i), path);
            if (hm.isEmpty()) {
                continue;
            }
            var map = hm.get();
            in.onlyKeys(map, path, KEYS);
            var name = in.scalar(map, "name", path, true).filter(n -> name(n, path, seen));
            var team = in.scalar(map, "team", path, true)
                    .filter(t -> defined(t, path + ".team", "team", teams, "teams"));
            var every = in.duration(map, "every", path, true).filter(d -> atLeast(d, map.entry("every").get().line(),
                    path + ".every", SHORTEST));
            var written = map.get("grace").filter(g -> !Binder.isNull(g)).isPresent();
            var grace = written ? in.duration(map, "grace", path, false) : Optional.of(Duration.ZERO);
            var own = team.map(t -> ownLevels.apply(t.text().strip())).filter(l -> !l.isEmpty());
            var levels = own.<Collection<String>>map(l -> l).orElse(severities);
            var section = own.isPresent() ? "teams." + team.get().text().strip() + ".severities" : "severities";
            var severity = in.scalar(map, "severity", path, false)
                    .filter(s -> team.isEmpty() || defined(s, path + ".severity", "severity", levels, section))
                    .map(s -> s.text().strip());
            if (map.get("severity").isPresent() && severity.isEmpty()) {
                continue;
            }
            if (name.isPresent() && team.isPresent() && every.isPresent() && grace.isPresent()) {
                out.add(new Heartbeat(name.get().text().strip(), team.get().text().strip(), every.get(), grace.get(),
                        severity));
            }
        }
        return out;
    }

    private boolean name(YamlScalar n, String path, Map<String, Integer> seen) {
        var name = n.text().strip();
        if (!NAME.matcher(name).matches()) {
            in.problem(n.line(), path + ".name '" + name + "' is not usable in POST /heartbeats/<name>",
                    "use lower-case letters, digits, '-' and '_' only, e.g. 'cdc-backup'");
            return false;
        }
        Integer first = seen.putIfAbsent(name, n.line());
        if (first != null) {
            in.problem(n.line(), "a second heartbeat is named '" + name + "' (the first is on line " + first + ")",
                    "give every heartbeat its own name");
            return false;
        }
        return true;
    }

    private boolean atLeast(Duration d, int line, String path, Duration least) {
        if (d.compareTo(least) < 0) {
            in.problem(line, path + " is shorter than " + Durations.format(least),
                    "a heartbeat is checked every few seconds; expect a check-in at most every "
                            + Durations.format(least) + " or longer");
            return false;
        }
        return true;
    }

    private boolean defined(YamlScalar ref, String path, String kind, Collection<String> defined, String section) {
        var name = ref.text().strip();
        if (defined.contains(name)) {
            return true;
        }
        if (reported.test(section, name)) {
            return false;
        }
        var known = defined.isEmpty() ? "none are defined" : "defined: " + String.join(", ", defined);
        in.problem(ref.line(), path + " names " + kind + " '" + name + "', which is not defined under " + section
                        + ": (" + known + ")",
                Suggestions.closest(name, defined).map(s -> "did you mean '" + s + "'?")
                        .orElse("use one of those or add it under " + section + ":"));
        return false;
    }
}
