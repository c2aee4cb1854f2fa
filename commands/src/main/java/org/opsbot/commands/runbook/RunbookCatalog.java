package org.opsbot.commands.runbook;

import org.opsbot.commands.yaml.Suggestions;

import org.opsbot.commands.check.ExecAllowList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every runbook of a folder ({@code *.yaml} and {@code *.yml}), by name. A file with problems
 * contributes no runbook; {@link #problems()} says what to fix, and the server refuses to start
 * while there are any.
 */
public final class RunbookCatalog {
    private final Map<String, Runbook> runbooks;
    private final List<Problem> problems;

    private RunbookCatalog(Map<String, Runbook> runbooks, List<Problem> problems) {
        this.runbooks = Collections.unmodifiableMap(runbooks);
        this.problems = List.copyOf(problems);
    }

    /**
     * Loads {@code folder}.
     *
     * @param environment for {@code ${VAR}} expansion (usually {@code System.getenv()})
     * @param allowList   the programs {@code exec} checks and actions may name
     */
    public static RunbookCatalog load(Path folder, Map<String, String> environment, ExecAllowList allowList) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Runbook> byName = new LinkedHashMap<>();
        Map<String, Problem> firstSeen = new LinkedHashMap<>();
        if (!Files.isDirectory(folder)) {
            problems.add(new Problem(folder, 1, "the runbooks folder does not exist",
                    "create it, or point OPSBOT_RUNBOOKS at the folder with your runbook files"));
            return new RunbookCatalog(byName, problems);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> Files.isRegularFile(p))
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.add(new Problem(folder, 1, "cannot list the runbooks folder: " + e.getMessage(), "check its permissions"));
            return new RunbookCatalog(byName, problems);
        }
        Variables variables = new Variables(environment);
        for (Path file : files) {
            RunbookParser.Parsed parsed = new RunbookParser(file, variables, allowList).parse();
            problems.addAll(parsed.problems());
            parsed.runbook().ifPresent(r -> {
                Problem first = firstSeen.get(r.name());
                if (first != null) {
                    problems.add(new Problem(file, parsed.nameLine(), "runbook name \"" + r.name() + "\" is already used by "
                            + first.file() + ":" + first.line(), "give each runbook its own name"));
                    byName.remove(r.name());
                } else {
                    firstSeen.put(r.name(), new Problem(file, parsed.nameLine(), "", ""));
                    byName.put(r.name(), r);
                }
            });
        }
        return new RunbookCatalog(byName, problems);
    }

    /** Parses one file on its own (tests, {@code opsbot validate <file>}). */
    public static RunbookCatalog loadFile(Path file, Map<String, String> environment, ExecAllowList allowList) {
        RunbookParser.Parsed parsed = new RunbookParser(file, new Variables(environment), allowList).parse();
        Map<String, Runbook> byName = new LinkedHashMap<>();
        parsed.runbook().ifPresent(r -> byName.put(r.name(), r));
        return new RunbookCatalog(byName, parsed.problems());
    }

    public Optional<Runbook> find(String name) {
        return Optional.ofNullable(runbooks.get(name));
    }

    /** Names close to a mistyped {@code name}, closest first ("did you mean …"). */
    public List<String> suggestions(String name) {
        return Suggestions.closestFew(name, runbooks.keySet());
    }

    /** All runbooks, sorted by name. */
    public List<Runbook> all() {
        return runbooks.values().stream().sorted(java.util.Comparator.comparing(Runbook::name)).toList();
    }

    /** Every problem found, in file and line order. */
    public List<Problem> problems() {
        return problems;
    }

    public boolean isValid() {
        return problems.isEmpty();
    }
}
