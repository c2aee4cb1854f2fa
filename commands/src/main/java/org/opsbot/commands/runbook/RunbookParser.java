package org.opsbot.commands.runbook;

import org.opsbot.commands.yaml.Suggestions;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.CheckKind;
import org.opsbot.commands.check.CheckKinds;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.KindSettings;
import org.opsbot.commands.check.Probe;
import org.opsbot.commands.check.Threshold;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads one runbook file. YAML is composed into SnakeYAML nodes (not bound to classes) so every
 * problem can name its line; all problems of a file are collected, not just the first.
 */
final class RunbookParser {
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_-]+)\\s*}}");
    private static final List<String> KINDS = CheckKinds.keys();
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final Path file;
    private final Variables variables;
    private final ExecAllowList allowList;
    private final List<Problem> problems = new ArrayList<>();

    RunbookParser(Path file, Variables variables, ExecAllowList allowList) {
        this.file = file;
        this.variables = variables;
        this.allowList = allowList;
    }

    record Parsed(Optional<Runbook> runbook, int nameLine, List<Problem> problems) {
    }

    Parsed parse() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            problem(1, "cannot read the file: " + e.getMessage(), "check its permissions");
            return new Parsed(Optional.empty(), 1, problems);
        }
        return parse(text);
    }

    Parsed parse(String text) {
        Node root;
        try (Reader reader = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(10);
            root = new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(
                    new org.yaml.snakeyaml.DumperOptions()), new org.yaml.snakeyaml.DumperOptions(), options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            problem(line, "not valid YAML: " + e.getProblem(), "check the indentation and quoting around this line");
            return new Parsed(Optional.empty(), line, problems);
        } catch (YAMLException | IOException e) {
            problem(1, "not valid YAML: " + e.getMessage(), "check the file's syntax");
            return new Parsed(Optional.empty(), 1, problems);
        }
        if (!(root instanceof MappingNode map)) {
            problem(root == null ? 1 : line(root), "a runbook file must be a mapping with name, title, team and checks",
                    "start the file with \"name: my-runbook\"");
            return new Parsed(Optional.empty(), 1, problems);
        }
        Fields f = fields(map, "runbook", "name", "title", "team", "description", "schedule", "checks", "checklist", "actions");
        String name = f.string("name", true).orElse("");
        int nameLine = f.line("name");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            problem(nameLine, "runbook name \"" + name + "\" is not a simple name",
                    "use lower-case letters, digits and dashes, e.g. \"cdc-morning\"; people type it after /ops check");
        }
        String team = f.string("team", true).orElse("");
        String title = f.string("title", false).orElse(name);
        Optional<String> description = f.string("description", false);

        List<Schedule> schedules = new ArrayList<>();
        f.node("schedule").ifPresent(n -> {
            for (Node item : list(n, "schedule")) {
                schedule(item).ifPresent(schedules::add);
            }
        });
        List<Check> checks = new ArrayList<>();
        Map<String, Integer> checkNames = new LinkedHashMap<>();
        f.node("checks").ifPresent(n -> {
            for (Node item : list(n, "checks")) {
                check(item, checkNames).ifPresent(checks::add);
            }
        });
        List<String> checklist = new ArrayList<>();
        f.node("checklist").ifPresent(n -> {
            for (Node item : list(n, "checklist")) {
                scalar(item, "checklist item").ifPresent(checklist::add);
            }
        });
        List<Action> actions = new ArrayList<>();
        f.node("actions").ifPresent(n -> {
            if (!(n instanceof MappingNode am)) {
                problem(line(n), "actions must be a mapping of action ids to actions", "write \"actions:\" then \"  restart-connector:\" on the next line");
                return;
            }
            for (NodeTuple t : am.getValue()) {
                String id = keyOf(t);
                if (!NAME.matcher(id).matches()) {
                    problem(line(t.getKeyNode()), "action id \"" + id + "\" is not a simple name", "use lower-case letters, digits and dashes");
                }
                action(id, t.getValueNode()).ifPresent(actions::add);
            }
        });
        f.finish();
        if (checks.isEmpty() && checklist.isEmpty() && actions.isEmpty() && problems.isEmpty()) {
            problem(line(map), "the runbook has no checks, checklist or actions", "add a \"checks:\" list");
        }
        Optional<Runbook> runbook = problems.isEmpty()
                ? Optional.of(new Runbook(name, title, team, description, schedules, checks, checklist, actions, file))
                : Optional.empty();
        return new Parsed(runbook, nameLine, problems);
    }

    private Optional<Schedule> schedule(Node node) {
        if (!(node instanceof MappingNode m)) {
            problem(line(node), "a schedule entry must be a mapping", "write {cron: \"0 6 * * *\", time-zone: UTC, channel: \"#ops\"}");
            return Optional.empty();
        }
        Fields f = fields(m, "schedule entry", "cron", "time-zone", "channel");
        Optional<String> cron = f.string("cron", true);
        ZoneId zone = ZoneId.of("UTC");
        Optional<String> zoneText = f.string("time-zone", false);
        if (zoneText.isPresent()) {
            try {
                zone = ZoneId.of(zoneText.get());
            } catch (DateTimeException e) {
                problem(f.line("time-zone"), "unknown time zone \"" + zoneText.get() + "\"",
                        "use a region name such as Europe/Berlin or UTC" + zoneHint(zoneText.get()));
            }
        }
        Optional<String> channel = f.string("channel", false);
        f.finish();
        if (cron.isPresent()) {
            try {
                CRON.parse(cron.get()).validate();
            } catch (IllegalArgumentException e) {
                problem(f.line("cron"), "invalid cron expression \"" + cron.get() + "\": " + e.getMessage(),
                        "use five fields: minute hour day-of-month month day-of-week, e.g. \"0 6 * * *\" for 06:00 daily");
                return Optional.empty();
            }
            return Optional.of(new Schedule(cron.get(), zone, channel));
        }
        return Optional.empty();
    }

    private static String zoneHint(String typed) {
        List<String> close = Suggestions.closestFew(typed, ZoneId.getAvailableZoneIds());
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }

    private Optional<Check> check(Node node, Map<String, Integer> names) {
        if (!(node instanceof MappingNode m)) {
            problem(line(node), "a check must be a mapping", "write \"- name: …\" followed by one of " + String.join(", ", KINDS));
            return Optional.empty();
        }
        List<String> keys = new ArrayList<>(List.of("name", "timeout", "warn", "crit"));
        keys.addAll(KINDS);
        Fields f = fields(m, "check", keys.toArray(String[]::new));
        Optional<String> name = f.string("name", true);
        name.ifPresent(n -> {
            Integer first = names.putIfAbsent(n, f.line("name"));
            if (first != null) {
                problem(f.line("name"), "a second check is named \"" + n + "\" (the first is on line " + first + ")",
                        "give every check of a runbook its own name");
            }
        });
        Duration timeout = f.duration("timeout").orElse(Check.DEFAULT_TIMEOUT);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            problem(f.line("timeout"), "timeout " + f.string("timeout", false).orElse("") + " is longer than 5m",
                    "checks are meant to be quick; use at most 5m");
        }
        Optional<Threshold> warn = f.threshold("warn");
        Optional<Threshold> crit = f.threshold("crit");
        List<String> present = KINDS.stream().filter(f::has).toList();
        Probe probe = null;
        if (present.isEmpty()) {
            problem(line(m), "check " + name.map(n -> "\"" + n + "\" ").orElse("") + "says nothing to check",
                    "add one of " + String.join(", ", KINDS));
        } else if (present.size() > 1) {
            problem(f.line(present.get(1)), "a check has one kind, this one has " + String.join(" and ", present),
                    "split it into one check per kind");
        } else {
            String kind = present.get(0);
            probe = probe(CheckKinds.find(kind).orElseThrow(), f.node(kind).orElseThrow());
        }
        if (probe != null) {
            for (String key : List.of("warn", "crit")) {
                Optional<Threshold> t = key.equals("warn") ? warn : crit;
                String mismatch = t.map(probe.quantity()::mismatch).orElse(null);
                if (mismatch != null) {
                    problem(f.line(key), key + " threshold \"" + t.get() + "\" " + mismatch, probe.quantity().fix());
                }
            }
        }
        f.finish();
        if (probe == null || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Check(name.get(), probe, timeout.isZero() ? Check.DEFAULT_TIMEOUT : timeout, warn, crit));
    }

    /** The kind reads its own settings; the keys it does not know are reported here. */
    private Probe probe(CheckKind<?> kind, Node node) {
        Fields f = kindFields(node, kind.key(), kind.settings().toArray(String[]::new));
        if (f == null) {
            return null;
        }
        Optional<? extends Probe> probe = kind.parse(f);
        f.finish();
        return probe.orElse(null);
    }

    private Optional<Action> action(String id, Node node) {
        if (!(node instanceof MappingNode m)) {
            problem(line(node), "action " + id + " must be a mapping", "give it a title and http: or exec:");
            return Optional.empty();
        }
        Fields f = fields(m, "action", "title", "description", "params", "http", "exec", "approval", "risk");
        String title = f.string("title", false).orElse(id);
        Optional<String> description = f.string("description", false);
        List<Action.Param> params = new ArrayList<>();
        f.node("params").ifPresent(p -> {
            if (!(p instanceof MappingNode pm)) {
                problem(line(p), "params must be a mapping of names to types", "write params: {connector: {enum: [a, b]}}");
                return;
            }
            for (NodeTuple t : pm.getValue()) {
                param(keyOf(t), t.getValueNode()).ifPresent(params::add);
            }
        });
        Set<String> paramNames = new HashSet<>();
        params.forEach(p -> paramNames.add(p.name()));
        Optional<Action.HttpRequest> http = Optional.empty();
        Optional<Action.Command> exec = Optional.empty();
        if (f.has("http") == f.has("exec")) {
            problem(line(m), "action " + id + " needs exactly one of http: or exec:", "say what the action does");
        } else if (f.has("http")) {
            Fields h = kindFields(f.node("http").orElseThrow(), "http", "method", "url", "headers", "body");
            if (h != null) {
                String method = h.string("method", false).map(s -> s.toUpperCase(Locale.ROOT)).orElse("POST");
                Optional<String> url = h.string("url", true);
                url.ifPresent(u -> placeholdersInUrl(u, paramNames, h.line("url")));
                Map<String, String> headers = h.map("headers");
                Optional<String> body = h.string("body", false);
                body.ifPresent(b -> placeholders(b, paramNames, h.line("body")));
                h.finish();
                http = url.map(u -> new Action.HttpRequest(method, u, headers, body));
            }
        } else {
            Fields x = kindFields(f.node("exec").orElseThrow(), "exec", "command", "args");
            if (x != null) {
                Optional<String> command = x.string("command", true);
                command.filter(c -> !allowList.allows(c)).ifPresent(c -> problem(x.line("command"),
                        "the program " + c + " is not allow-listed", "add it to the exec allow-list of the bot's configuration (now: " + allowList + ")"));
                List<String> args = x.strings("args");
                for (String a : args) {
                    Matcher pm = PLACEHOLDER.matcher(a);
                    if (pm.find()) {
                        String param = pm.group(1);
                        if (!PLACEHOLDER.matcher(a).matches()) {
                            problem(x.line("args"), "argument \"" + a + "\" mixes a parameter with other text",
                                    "a parameter must be a whole argument: \"{{" + param + "}}\"");
                        }
                    }
                    placeholders(a, paramNames, x.line("args"));
                }
                x.finish();
                exec = command.map(c -> new Action.Command(c, args));
            }
        }
        Optional<Action.Approval> approval = f.node("approval").flatMap(this::approval);
        Action.Risk risk = Action.Risk.MEDIUM;
        Optional<String> r = f.string("risk", false);
        if (r.isPresent()) {
            try {
                risk = Action.Risk.valueOf(r.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(f.line("risk"), "risk must be low, medium or high, not \"" + r.get() + "\"", "pick one of low, medium, high");
            }
        }
        f.finish();
        return Optional.of(new Action(id, title, description, params, http, exec, approval, risk));
    }

    private Optional<Action.Param> param(String name, Node node) {
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            problem(line(node), "parameter name \"" + name + "\" is not a simple name", "use lower-case letters, digits, _ and -");
        }
        if (!(node instanceof MappingNode m)) {
            problem(line(node), "parameter " + name + " must say its type",
                    "write {enum: [a, b]}, {pattern: \"[a-z-]+\"} or {type: integer, min: 1, max: 10}");
            return Optional.empty();
        }
        Fields f = fields(m, "parameter", "type", "enum", "pattern", "min", "max", "default");
        List<String> values = f.strings("enum");
        Optional<String> pattern = f.regex("pattern");
        Optional<Long> min = f.integer("min", false, Long.MIN_VALUE, Long.MAX_VALUE);
        Optional<Long> max = f.integer("max", false, Long.MIN_VALUE, Long.MAX_VALUE);
        Optional<String> type = f.string("type", false);
        Action.Param.Type t;
        if (f.has("enum")) {
            t = Action.Param.Type.ENUM;
        } else if (type.filter("integer"::equals).isPresent() || min.isPresent() || max.isPresent()) {
            t = Action.Param.Type.INTEGER;
        } else {
            t = Action.Param.Type.STRING;
            if (pattern.isEmpty()) {
                problem(line(m), "string parameter " + name + " has no pattern",
                        "say what a value looks like, e.g. pattern: \"[a-z0-9-]{1,64}\", or list the values with enum:");
            }
        }
        type.filter(s -> !Set.of("string", "integer", "enum").contains(s)).ifPresent(s ->
                problem(f.line("type"), "unknown parameter type \"" + s + "\"", "use string, integer or enum"));
        Optional<String> dflt = f.string("default", false);
        f.finish();
        return Optional.of(new Action.Param(name, t, pattern, values, min, max, dflt));
    }

    private Optional<Action.Approval> approval(Node node) {
        if (!(node instanceof MappingNode m)) {
            problem(line(node), "approval must be a mapping", "write {role: approvers, count: 1, within: 30m}");
            return Optional.empty();
        }
        Fields f = fields(m, "approval", "role", "count", "within");
        Optional<String> role = f.string("role", true);
        long count = f.integer("count", false, 1, 10).orElse(1L);
        Duration within = f.duration("within").orElse(Duration.ofMinutes(30));
        f.finish();
        return role.map(r -> new Action.Approval(r, (int) count, within));
    }

    private void placeholdersInUrl(String url, Set<String> params, int line) {
        int scheme = url.indexOf("://");
        int pathStart = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        Matcher m = PLACEHOLDER.matcher(url);
        while (m.find()) {
            if (pathStart < 0 || m.start() < pathStart) {
                problem(line, "parameter {{" + m.group(1) + "}} is in the URL's host",
                        "parameters may only fill the path or the query of a fixed host");
            }
        }
        placeholders(url, params, line);
    }

    private void placeholders(String text, Set<String> params, int line) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!params.contains(m.group(1))) {
                problem(line, "{{" + m.group(1) + "}} is not a parameter of this action",
                        params.isEmpty() ? "declare it under params:" : Suggestions.didYouMean(m.group(1), params));
            }
        }
    }

    // --- reading nodes -------------------------------------------------------------------

    private Fields kindFields(Node node, String kind, String... keys) {
        if (!(node instanceof MappingNode m)) {
            problem(line(node), kind + " must be a mapping of its settings", "write " + kind + ": {" + keys[0] + ": …}");
            return null;
        }
        return fields(m, kind, keys);
    }

    private Fields fields(MappingNode map, String what, String... keys) {
        return new Fields(map, what, new LinkedHashSet<>(List.of(keys)));
    }

    private List<Node> list(Node node, String what) {
        if (node instanceof SequenceNode s) {
            return s.getValue();
        }
        if (node instanceof ScalarNode sc && sc.getValue().isEmpty()) {
            return List.of();
        }
        problem(line(node), what + " must be a list", "write each entry on its own line starting with \"- \"");
        return List.of();
    }

    private Optional<String> scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) {
            problem(line(node), what + " must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"),
                    "quote it if it contains \": \"");
            return Optional.empty();
        }
        Variables.Expansion e = variables.expand(s.getValue());
        for (String p : e.problems()) {
            problem(line(node), p, p.contains("not set") ? "set it where the bot runs, or give a default: ${NAME:-value}" : "write ${NAME} or ${NAME:-default}");
        }
        return e.problems().isEmpty() ? Optional.of(e.value()) : Optional.empty();
    }

    private static String keyOf(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    private void problem(int line, String message, String fix) {
        problems.add(new Problem(file, line, message, fix));
    }

    /** The keys of one mapping: typed reads, and a complaint for each key nobody read. */
    private final class Fields implements KindSettings {
        private final MappingNode map;
        private final String what;
        private final Set<String> allowed;
        private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

        Fields(MappingNode map, String what, Set<String> allowed) {
            this.map = map;
            this.what = what;
            this.allowed = allowed;
            for (NodeTuple t : map.getValue()) {
                String key = keyOf(t);
                if (tuples.containsKey(key)) {
                    problem(RunbookParser.line(t.getKeyNode()), "the key \"" + key + "\" appears twice in this " + what, "keep one of them");
                }
                tuples.put(key, t);
            }
        }

        @Override
        public boolean has(String key) {
            return tuples.containsKey(key);
        }

        Optional<Node> node(String key) {
            return Optional.ofNullable(tuples.get(key)).map(NodeTuple::getValueNode);
        }

        @Override
        public int line(String key) {
            NodeTuple t = tuples.get(key);
            return t == null ? RunbookParser.line(map) : RunbookParser.line(t.getValueNode());
        }

        @Override
        public Optional<String> string(String key, boolean required) {
            Optional<Node> n = node(key);
            if (n.isEmpty()) {
                if (required) {
                    problem(RunbookParser.line(map), "this " + what + " has no " + key, "add \"" + key + ": …\"");
                }
                return Optional.empty();
            }
            Optional<String> v = scalar(n.get(), key);
            if (required && v.isPresent() && v.get().isBlank()) {
                problem(line(key), key + " is empty", "give it a value");
                return Optional.empty();
            }
            return v;
        }

        @Override
        public Optional<String> url(String key) {
            Optional<String> v = string(key, true);
            if (v.isPresent() && okhttp3.HttpUrl.parse(v.get()) == null) {
                problem(line(key), "\"" + v.get() + "\" is not an http(s) URL", "write it like http://host:8083/path");
                return Optional.empty();
            }
            return v;
        }

        @Override
        public Optional<Long> integer(String key, boolean required, long min, long max) {
            Optional<String> v = string(key, required);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            try {
                long n = Long.parseLong(v.get().trim());
                if (n < min || n > max) {
                    problem(line(key), key + " " + n + " is out of range", "use a number from " + min + " to " + max);
                    return Optional.empty();
                }
                return Optional.of(n);
            } catch (NumberFormatException e) {
                problem(line(key), key + " must be a whole number, not \"" + v.get() + "\"", "write e.g. " + key + ": " + Math.max(min, 1));
                return Optional.empty();
            }
        }

        @Override
        public Optional<Duration> duration(String key) {
            Optional<String> v = string(key, false);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            Optional<Duration> d = Durations.parse(v.get());
            if (d.isEmpty() || d.get().isZero()) {
                problem(line(key), key + " \"" + v.get() + "\" is not a duration", "write e.g. 500ms, 5s, 15m, 1h or 2d");
            }
            return d.filter(x -> !x.isZero());
        }

        Optional<Threshold> threshold(String key) {
            Optional<String> v = string(key, false);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            Optional<Threshold> t = Threshold.parse(v.get());
            if (t.isEmpty()) {
                problem(line(key), key + " threshold \"" + v.get() + "\" is not understood",
                        Threshold.SYNTAX_HELP + " (quote it: YAML reads > as a folded block)");
            }
            return t;
        }

        @Override
        public Optional<String> regex(String key) {
            Optional<String> v = string(key, false);
            if (v.isPresent()) {
                try {
                    Pattern.compile(v.get());
                } catch (PatternSyntaxException e) {
                    problem(line(key), key + " is not a valid regular expression: " + e.getDescription(), "check the escaping; in YAML prefer single quotes");
                    return Optional.empty();
                }
            }
            return v;
        }

        @Override
        public List<String> strings(String key) {
            Optional<Node> n = node(key);
            if (n.isEmpty()) {
                return List.of();
            }
            if (n.get() instanceof ScalarNode) {
                return scalar(n.get(), key).map(List::of).orElse(List.of());
            }
            List<String> out = new ArrayList<>();
            for (Node item : list(n.get(), key)) {
                scalar(item, key).ifPresent(out::add);
            }
            return out;
        }

        @Override
        public Map<String, String> map(String key) {
            Optional<Node> n = node(key);
            if (n.isEmpty()) {
                return Map.of();
            }
            if (!(n.get() instanceof MappingNode m)) {
                problem(line(key), key + " must be a mapping", "write " + key + ": {Name: value}");
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                scalar(t.getValueNode(), key).ifPresent(v -> out.put(keyOf(t), v));
            }
            return out;
        }

        @Override
        public void problem(int line, String message, String fix) {
            RunbookParser.this.problem(line, message, fix);
        }

        @Override
        public ExecAllowList allowList() {
            return allowList;
        }

        /** Reports every key that is not one of the allowed ones. */
        void finish() {
            for (Map.Entry<String, NodeTuple> e : tuples.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    problem(RunbookParser.line(e.getValue().getKeyNode()), "unknown key \"" + e.getKey() + "\" in this " + what,
                            Suggestions.didYouMean(e.getKey(), allowed));
                }
            }
        }
    }
}
