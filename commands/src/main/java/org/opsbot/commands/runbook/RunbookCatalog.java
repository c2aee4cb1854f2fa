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
    /** One folder as read: swapped whole by a reload, so a reader sees one folder or the other. */
    private record Contents(Map<String, Runbook> runbooks, List<Problem> problems) {
    }

    // The running bot's catalog is the one holder of its runbooks; a reload replaces this.
    private volatile Contents contents;

    private RunbookCatalog(Map<String, Runbook> runbooks, List<Problem> problems) {
        this.contents = new Contents(Collections.unmodifiableMap(runbooks), List.copyOf(problems));
    }

    /**
     * Puts the runbooks of {@code reloaded} (read and validated) in force for every holder of
     * this catalog, at once: the running bot's commands, buttons, schedules and actions keep
     * the catalog they were built with and see the new folder from their next read.
     */
    public void replaceWith(RunbookCatalog reloaded) {
        this.contents = reloaded.contents;
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
        return Optional.ofNullable(contents.runbooks().get(name));
    }

    /** Names close to a mistyped {@code name}, closest first ("did you mean …"). */
    public List<String> suggestions(String name) {
        return Suggestions.closestFew(name, contents.runbooks().keySet());
    }

    /** All runbooks, sorted by name. */
    public List<Runbook> all() {
        return contents.runbooks().values().stream().sorted(java.util.Comparator.comparing(Runbook::name)).toList();
    }

    /** Every problem found, in file and line order. */
    public List<Problem> problems() {
        return contents.problems();
    }

    public boolean isValid() {
        return contents.problems().isEmpty();
    }
}
