package org.opsbot.commands.runbook;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named procedure of a runbook ({@code /ops procedure <runbook>/<name>}): steps done in order,
 * each a manual step ticked by a person, a run of some of the runbook's checks, or one of its
 * actions under that action's approval rule.
 *
 * @param params the names of action parameters given when the procedure starts
 *               ({@code name=value}), for action steps that do not write them
 */
public record Procedure(String name, String title, Optional<String> description, List<String> params, List<Step> steps) {
    public Procedure {
        params = List.copyOf(params);
        steps = List.copyOf(steps);
    }

    /** One step; {@link #describe()} is the line people read in Slack. */
    public sealed interface Step {
        String describe();
    }

    /** Done by a person, who ticks it. */
    public record Manual(String text) implements Step {
        @Override
        public String describe() {
            return text;
        }
    }

    /** Runs the named checks of the runbook; no names means all of them. A CRIT or an ERROR stops the procedure. */
    public record Checks(List<String> names) implements Step {
        public Checks {
            names = List.copyOf(names);
        }

        public boolean all() {
            return names.isEmpty();
        }

        @Override
        public String describe() {
            return all() ? "Run all checks" : "Check " + String.join(", ", names);
        }
    }

    /**
     * Runs one of the runbook's actions under its approval rule.
     *
     * @param params the values written in the step; the rest come from the procedure's start
     */
    public record ActionStep(String action, Map<String, String> params) implements Step {
        public ActionStep {
            params = Map.copyOf(params);
        }

        @Override
        public String describe() {
            return "Action " + action;
        }
    }
}
