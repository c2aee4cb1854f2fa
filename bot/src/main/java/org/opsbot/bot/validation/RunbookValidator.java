package org.opsbot.bot.validation;

import org.opsbot.bot.checks.RunbookLoader;
import org.opsbot.bot.checks.Runbooks;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.yaml.Problem;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.YamlMap;
import org.opsbot.commands.yaml.YamlReader;
import org.opsbot.commands.yaml.YamlScalar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every runbook of {@code OPSBOT_RUNBOOKS}, as {@code opsbot validate} reports it and
 * {@code opsbot serve} insists on: the files themselves, and what they say about opsbot.yaml
 * (each runbook's team exists; a scheduled report has somewhere to go).
 */
public final class RunbookValidator implements Validator {
    private static final Pattern TEAM_KEY = Pattern.compile("^team\\s*:.*");

    private final RunbookLoader runbooks;

    public RunbookValidator(Map<String, String> environment) {
        this(new RunbookLoader(environment));
    }

    /** @param runbooks shared with the other validators and the server, so the folder is read once */
    public RunbookValidator(RunbookLoader runbooks) {
        this.runbooks = runbooks;
    }

    @Override
    public Report validate(Settings settings, OpsbotConfig config) {
        RunbookCatalog catalog = runbooks.load(settings);
        List<Problem> problems = new ArrayList<>(problems(settings, catalog, config));
        problems.addAll(maintenanceRunbooks(settings, catalog, config));
        int n = catalog.all().size();
        if (Runbooks.noFolder(settings)) {
            return new Report(problems, "OK: no runbooks (there is no " + settings.runbooksDir()
                    + " folder; OPSBOT_RUNBOOKS names another)");
        }
        String ok = "OK: " + n + " runbook" + (n == 1 ? "" : "s") + " in " + settings.runbooksDir() + " "
                + (n == 1 ? "is" : "are") + " valid"
                + (settings.execAllow().isEmpty() ? "" : " (exec allow-list: " + Runbooks.allowList(settings) + ")");
        return new Report(problems, ok);
    }

    /** The runbook files' own problems: what {@code validate} reports while opsbot.yaml has problems. */
    @Override
    public Partial validateWithoutConfig(Settings settings) {
        if (Runbooks.noFolder(settings)) {
            return new Partial(List.of(), Optional.empty());
        }
        return new Partial(sorted(ownProblems(runbooks.load(settings))), Optional.of("what the runbooks say about"
                + " opsbot.yaml (their teams, their schedules' channels, their approvers) is checked once it has no problems"));
    }

    /** What is wrong with {@code catalog} under {@code config}; the server refuses to start on any. */
    public static List<Problem> problems(Settings settings, RunbookCatalog catalog, OpsbotConfig config) {
        List<Problem> problems = new ArrayList<>();
        if (Runbooks.noFolder(settings)) {
            return problems;
        }
        problems.addAll(ownProblems(catalog));
        // A file with problems of its own contributes no runbook; its team is checked all the
        // same, so that one run reports everything wrong with the file.
        Set<Path> loaded = catalog.all().stream().map(Runbook::file).collect(Collectors.toSet());
        catalog.problems().stream().map(p -> p.file()).distinct().filter(f -> !loaded.contains(f))
                .forEach(file -> declaredTeam(file).filter(t -> !config.teams().containsKey(t.name()))
                        .ifPresent(t -> problems.add(unknownTeam(file, t.line(), t.name(), config))));
        for (Runbook runbook : catalog.all()) {
            Team team = config.teams().get(runbook.team());
            if (team == null) {
                problems.add(unknownTeam(runbook.file(), teamLine(runbook.file()), runbook.team(), config));
                continue;
            }
            for (Schedule schedule : runbook.schedules()) {
                if (schedule.channel().isEmpty() && team.channel().isEmpty() && config.slack().defaultChannel().isEmpty()) {
                    problems.add(new Problem(runbook.file().toString(), teamLine(runbook.file()),
                            "the schedule \"" + schedule.cron() + "\" names no channel, and neither team '"
                                    + runbook.team() + "' nor slack.default-channel has one",
                            "add channel: \"#…\" to the schedule, or a channel to the team in opsbot.yaml"));
                }
            }
        }
        return sorted(problems);
    }

    /**
     * A maintenance window's then-run names a runbook of the folder. Checked by validate and
     * serve, not by every start of the bot (tests start the shipped example on folders of
     * their own); a window whose runbook is missing says so in the log when it ends.
     */
    private static List<Problem> maintenanceRunbooks(Settings settings, RunbookCatalog catalog, OpsbotConfig config) {
        List<Problem> problems = new ArrayList<>();
        // No runbooks here at all (no folder, or an empty one, as when the bundled example runs
        // in a bare folder): there is nothing then-run could name yet, and the window itself works.
        if (Runbooks.noFolder(settings) || catalog.all().isEmpty()) {
            return problems;
        }
        // A maintenance window's then-run names a runbook; opsbot.yaml is read before the runbooks.
        for (var window : config.maintenance().windows()) {
            window.thenRun().filter(name -> catalog.find(name).isEmpty()).ifPresent(name -> problems.add(new Problem(
                    settings.configFile().toString(), window.line(), "maintenance window '" + window.name()
                    + "' names runbook '" + name + "' under then-run, but there is no such runbook",
                    "use one of: " + String.join(", ", catalog.all().stream().map(Runbook::name).toList())
                            + ", or remove then-run")));
        }
        return problems;
    }

    private static List<Problem> ownProblems(RunbookCatalog catalog) {
        return catalog.problems().stream()
                .map(p -> new Problem(p.file().toString(), p.line(), p.message(), p.fix())).toList();
    }

    /** Each file's problems together, in line order. */
    private static List<Problem> sorted(List<Problem> problems) {
        return problems.stream().sorted(Comparator.comparing(Problem::file).thenComparingInt(Problem::line)).toList();
    }

    private static Problem unknownTeam(Path file, int line, String team, OpsbotConfig config) {
        List<String> close = Suggestions.closestFew(team, config.teams().keySet());
        return new Problem(file.toString(), line,
                "team '" + team + "' is not defined under teams: in opsbot.yaml (defined: "
                        + String.join(", ", config.teams().keySet()) + ")",
                (close.isEmpty() ? "" : "did you mean '" + close.getFirst() + "'? ")
                        + "Use one of those or add '" + team + "' under teams: with its channel");
    }

    private record DeclaredTeam(String name, int line) {
    }

    /** The top-level {@code team:} of a runbook file that did not load, if it names one. */
    private static Optional<DeclaredTeam> declaredTeam(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return YamlReader.read(text, file.toString()).root()
                .filter(YamlMap.class::isInstance).map(YamlMap.class::cast)
                .flatMap(root -> root.entry("team"))
                .filter(e -> e.value() instanceof YamlScalar s && !s.isNull() && !s.text().isBlank())
                .map(e -> new DeclaredTeam(((YamlScalar) e.value()).text().strip(), e.line()));
    }

    // The engine's model does not keep the team's line; the key is at the top level, so a scan finds it.
    private static int teamLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (TEAM_KEY.matcher(lines.get(i)).matches()) {
                    return i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The file was readable a moment ago; the whole file is then the best answer.
        }
        return 0;
    }
}
