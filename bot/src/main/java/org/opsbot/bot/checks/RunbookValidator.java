package org.opsbot.bot.checks;

import org.opsbot.bot.Validator;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.Schedule;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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

    /** What is wrong with {@code catalog} under {@code config}; the server refuses to start on any. */
    public static List<Problem> problems(Settings settings, RunbookCatalog catalog, OpsbotConfig config) {
        List<Problem> problems = new ArrayList<>();
        if (Runbooks.noFolder(settings)) {
            return problems;
        }
        catalog.problems().forEach(p -> problems.add(new Problem(p.file().toString(), p.line(), p.message(), p.fix())));
        for (Runbook runbook : catalog.all()) {
            Team team = config.teams().get(runbook.team());
            if (team == null) {
                List<String> close = Suggestions.closestFew(runbook.team(), config.teams().keySet());
                problems.add(new Problem(runbook.file().toString(), teamLine(runbook.file()),
                        "team '" + runbook.team() + "' is not defined under teams: in opsbot.yaml (defined: "
                                + String.join(", ", config.teams().keySet()) + ")",
                        (close.isEmpty() ? "" : "did you mean '" + close.getFirst() + "'? ")
                                + "Use one of those or add '" + runbook.team() + "' under teams: with its channel"));
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
        return problems;
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
