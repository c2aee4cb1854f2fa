package org.opsbot.bot;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.yaml.Problem;

import java.util.List;

/**
 * A check that `opsbot validate` runs and `opsbot serve` insists on, after opsbot.yaml itself
 * is valid (so that, say, a runbook's team can be checked against the configured teams).
 * Add one to {@code Main.validators(env)}; runbook validation is one.
 */
public interface Validator {

    Report validate(Settings settings, OpsbotConfig config);

    /**
     * @param problems every problem found, each with file and line
     * @param okLine   what was checked, for validate's success output, e.g. "OK: 3 runbooks are valid"
     */
    record Report(List<Problem> problems, String okLine) {
        public Report {
            problems = List.copyOf(problems);
        }
    }
}
