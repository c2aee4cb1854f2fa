package org.opsbot.commands.runbook;

import org.opsbot.commands.yaml.Suggestions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a runbook's {@code procedures:} with the {@link RunbookParser}'s line-aware readers: each
 * step names checks and actions of its own runbook, and every action parameter is either written
 * in the step, has a default, or is listed under the procedure's {@code params:} to be given
 * when it starts.
 */
final class ProcedureParser {
    static final List<String> STEP_KINDS = List.of("manual", "check", "action");
    private static final String ALL = "all";

    private final RunbookParser parser;
    private final Set<String> checks;
    private final Map<String, Action> actions = new LinkedHashMap<>();

    ProcedureParser(RunbookParser parser, Set<String> checks, List<Action> actions) {
        this.parser = parser;
        this.checks = checks;
        actions.forEach(a -> this.actions.put(a.id(), a));
    }

    List<Procedure> procedures(Node node) {
        if (!(node instanceof MappingNode m)) {
            parser.problem(RunbookParser.line(node), "procedures must be a mapping of procedure names to procedures",
                    "write \"procedures:\" then \"  recover-connector:\" on the next line");
            return List.of();
        }
        List<Procedure> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            String name = RunbookParser.keyOf(t);
            if (!RunbookParser.NAME.matcher(name).matches()) {
                parser.problem(RunbookParser.line(t.getKeyNode()), "procedure name \"" + name + "\" is not a simple name",
                        "use lower-case letters, digits and dashes; people type it after /ops procedure <runbook>/");
            }
            procedure(name, t.getValueNode()).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Procedure> procedure(String name, Node node) {
        if (!(node instanceof MappingNode m)) {
            parser.problem(RunbookParser.line(node), "procedure " + name + " must be a mapping", "give it a title and steps:");
            return Optional.empty();
        }
        RunbookParser.Fields f = parser.fields(m, "procedure", "title", "description", "params", "steps");
        String title = f.string("title", false).orElse(name);
        Optional<String> description = f.string("description", false);
        List<String> params = f.strings("params");
        List<Procedure.Step> steps = new ArrayList<>();
        Set<String> fromStart = new LinkedHashSet<>();
        Optional<Node> stepsNode = f.node("steps");
        if (stepsNode.isEmpty()) {
            parser.problem(RunbookParser.line(m), "procedure " + name + " has no steps",
                    "add \"steps:\" with \"- manual: …\", \"- check: [name]\" or \"- action: id\"");
        } else {
            List<Node> items = parser.list(stepsNode.get(), "steps");
            if (items.isEmpty()) {
                parser.problem(f.line("steps"), "procedure " + name + " has no steps",
                        "list its steps: \"- manual: …\", \"- check: [name]\" or \"- action: id\"");
            }
            for (Node item : items) {
                step(item, Set.copyOf(params), fromStart).ifPresent(steps::add);
            }
        }
        for (String p : params) {
            if (!fromStart.contains(p)) {
                parser.problem(f.line("params"), "parameter " + p + " of procedure " + name + " is used by none of its action steps",
                        fromStart.isEmpty() ? "remove it from params:" : Suggestions.didYouMean(p, fromStart));
            }
        }
        f.finish();
        return Optional.of(new Procedure(name, title, description, params, steps));
    }

    private Optional<Procedure.Step> step(Node node, Set<String> startParams, Set<String> used) {
        if (!(node instanceof MappingNode m)) {
            parser.problem(RunbookParser.line(node), "a step must be a mapping with one of " + String.join(", ", STEP_KINDS),
                    "write \"- manual: Read the log\", \"- check: [Source connector running]\" or \"- action: restart-connector\"");
            return Optional.empty();
        }
        RunbookParser.Fields f = parser.fields(m, "step", "manual", "check", "action", "params");
        List<String> kinds = STEP_KINDS.stream().filter(f::has).toList();
        if (kinds.isEmpty()) {
            Optional<String> other = f.keys().stream().filter(k -> !k.equals("params")).findFirst();
            parser.problem(other.map(f::line).orElse(RunbookParser.line(m)),
                    other.map(k -> "unknown step kind \"" + k + "\"").orElse("this step says nothing to do"),
                    "a step is one of " + String.join(", ", STEP_KINDS)
                            + other.flatMap(k -> Suggestions.closest(k, STEP_KINDS)).map(s -> "; did you mean " + s + "?").orElse(""));
            return Optional.empty();
        }
        if (kinds.size() > 1) {
            parser.problem(f.line(kinds.get(1)), "a step has one kind, this one has " + String.join(" and ", kinds),
                    "split it into one step per kind");
            return Optional.empty();
        }
        Optional<Procedure.Step> step = switch (kinds.get(0)) {
            case "manual" -> f.string("manual", true).map(Procedure.Manual::new);
            case "check" -> checkStep(f);
            default -> actionStep(f, startParams, used);
        };
        if (!kinds.get(0).equals("action") && f.has("params")) {
            parser.problem(f.line("params"), "only an action step takes params", "move the values to the action step they belong to");
        }
        f.finish();
        return step;
    }

    private Optional<Procedure.Step> checkStep(RunbookParser.Fields f) {
        Node n = f.node("check").orElseThrow();
        List<String> names = f.strings("check");
        if (n instanceof ScalarNode && names.equals(List.of(ALL))) {
            if (checks.isEmpty()) {
                parser.problem(f.line("check"), "check: all, but this runbook has no checks", "add checks: or drop this step");
                return Optional.empty();
            }
            return Optional.of(new Procedure.Checks(List.of()));
        }
        if (names.isEmpty()) {
            parser.problem(f.line("check"), "this check step names no checks",
                    "name them, e.g. check: [Source connector running], or write check: all");
            return Optional.empty();
        }
        boolean ok = true;
        for (String name : names) {
            if (!checks.contains(name)) {
                ok = false;
                parser.problem(f.line("check"), "this runbook has no check named \"" + name + "\"",
                        checks.isEmpty() ? "add it under checks:" : Suggestions.didYouMean(name, checks));
            }
        }
        return ok ? Optional.of(new Procedure.Checks(names)) : Optional.empty();
    }

    private Optional<Procedure.Step> actionStep(RunbookParser.Fields f, Set<String> startParams, Set<String> used) {
        Optional<String> id = f.string("action", true);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Action action = actions.get(id.get());
        if (action == null) {
            parser.problem(f.line("action"), "this runbook has no action \"" + id.get() + "\"",
                    actions.isEmpty() ? "add it under actions:" : Suggestions.didYouMean(id.get(), actions.keySet()));
            return Optional.empty();
        }
        Map<String, String> values = f.map("params");
        boolean ok = true;
        List<String> names = action.params().stream().map(Action.Param::name).toList();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Optional<Action.Param> param = action.params().stream().filter(p -> p.name().equals(e.getKey())).findFirst();
            if (param.isEmpty()) {
                ok = false;
                parser.problem(f.line("params"), e.getKey() + " is not a parameter of action " + action.id(),
                        names.isEmpty() ? action.id() + " takes none; remove params:" : Suggestions.didYouMean(e.getKey(), names));
            } else {
                Optional<String> why = param.get().check(e.getValue());
                if (why.isPresent()) {
                    ok = false;
                    parser.problem(f.line("params"), why.get(), "write a value the action accepts");
                }
            }
        }
        for (Action.Param p : action.params()) {
            if (values.containsKey(p.name())) {
                continue;
            }
            if (startParams.contains(p.name())) {
                used.add(p.name());
            } else if (p.defaultValue().isEmpty()) {
                ok = false;
                parser.problem(f.line("action"), "action " + action.id() + " needs " + p.name() + ", which this step does not give",
                        "write params: {" + p.name() + ": …} in the step, or list " + p.name()
                                + " under the procedure's params: to give it when it starts");
            }
        }
        return ok ? Optional.of(new Procedure.ActionStep(action.id(), values)) : Optional.empty();
    }
}
