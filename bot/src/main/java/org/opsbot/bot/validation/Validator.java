package org.opsbot.bot.validation;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.yaml.Problem;

import java.util.List;
import java.util.Optional;

/**
 * A check that `opsbot validate` runs and `opsbot serve` insists on, after opsbot.yaml itself
 * is valid (so that, say, a runbook's team can be checked against the configured teams).
 * Add one to {@code Main.validators(env)}; runbook validation is one.
 */
public interface Validator {

    Report validate(Settings settings, OpsbotConfig config);

    /**
     * What can be checked while opsbot.yaml has problems of its own, so that one run of validate
     * reports those too: only what does not refer to opsbot.yaml, since a reference to a part of
     * it that is broken would repeat its problem as a new one. Nothing, unless overridden.
     */
    default Partial validateWithoutConfig(Settings settings) {
        return new Partial(List.of(), Optional.empty());
    }

    /**
     * @param problems every problem found, each with file and line
     * @param okLine   what was checked, for validate's success output, e.g. "OK: 3 runbooks are valid"
     * @param warnings what does not stop the bot but people should know (a gap in a schedule), with file and line
     */
    record Report(List<Problem> problems, String okLine, List<Problem> warnings) {
        public Report {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public Report(List<Problem> problems, String okLine) {
            this(problems, okLine, List.of());
        }
    }

    /**
     * @param problems  every problem found without opsbot.yaml
     * @param unchecked what waits for a valid opsbot.yaml, for validate to say so
     */
    record Partial(List<Problem> problems, Optional<String> unchecked) {
        public Partial {
            problems = List.copyOf(problems);
        }
    }
}
