package org.opsbot.bot.validation;

import org.opsbot.bot.checks.RunbookLoader;
import org.opsbot.commands.approval.ApprovalRoles;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.yaml.Problem;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Runbook approvals against opsbot.yaml's roles (see {@link ApprovalRoles}). The runbook files
 * themselves are the runbook validator's business; a file with problems contributes no actions
 * here, so nothing is reported twice.
 */
public final class ActionsValidator implements Validator {
    private final RunbookLoader runbooks;

    public ActionsValidator(Map<String, String> environment) {
        this(new RunbookLoader(environment));
    }

    public ActionsValidator(RunbookLoader runbooks) {
        this.runbooks = runbooks;
    }

    @Override
    public Report validate(Settings settings, OpsbotConfig config) {
        if (!Files.isDirectory(settings.runbooksDir())) {
            return new Report(List.of(), "OK: no runbook actions (no runbooks folder)");
        }
        RunbookCatalog catalog = runbooks.load(settings);
        List<Problem> problems = ApprovalRoles.problems(catalog, config.roles(), settings.configFile()).stream()
                .map(p -> new Problem(p.file().toString(), p.line(), p.message(), p.fix()))
                .toList();
        long actions = catalog.all().stream().mapToLong(r -> r.actions().size()).sum();
        return new Report(problems, "OK: " + actions + " runbook action(s); every approver role names enough people");
    }
}
