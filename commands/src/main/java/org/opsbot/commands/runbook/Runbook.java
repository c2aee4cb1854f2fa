package org.opsbot.commands.runbook;

import org.opsbot.commands.check.Check;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A runbook file: automated checks, a manual checklist and actions for one team.
 *
 * @param name      what people type: {@code /ops check <name>}
 * @param checklist the manual steps, in order
 * @param procedures named procedures of manual, check and action steps
 * @param file      where it was read from, for messages
 */
public record Runbook(String name, String title, String team, Optional<String> description, List<Schedule> schedules,
                      List<Check> checks, List<String> checklist, List<Action> actions, List<Procedure> procedures,
                      Path file) {
    public Runbook {
        schedules = List.copyOf(schedules);
        checks = List.copyOf(checks);
        checklist = List.copyOf(checklist);
        actions = List.copyOf(actions);
        procedures = List.copyOf(procedures);
    }

    /** A runbook without procedures. */
    public Runbook(String name, String title, String team, Optional<String> description, List<Schedule> schedules,
                   List<Check> checks, List<String> checklist, List<Action> actions, Path file) {
        this(name, title, team, description, schedules, checks, checklist, actions, List.of(), file);
    }

    public Optional<Procedure> procedure(String name) {
        return procedures.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The same runbook with only the checks a procedure's check step names (all of them when it names none). */
    public Runbook withChecks(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        return new Runbook(name, title, team, description, schedules,
                checks.stream().filter(c -> names.contains(c.name())).toList(), checklist, actions, procedures, file);
    }

    public Optional<Action> action(String id) {
        return actions.stream().filter(a -> a.id().equals(id)).findFirst();
    }
}
