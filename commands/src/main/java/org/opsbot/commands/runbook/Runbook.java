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
 * @param file      where it was read from, for messages
 */
public record Runbook(String name, String title, String team, Optional<String> description, List<Schedule> schedules,
                      List<Check> checks, List<String> checklist, List<Action> actions, Path file) {
    public Runbook {
        schedules = List.copyOf(schedules);
        checks = List.copyOf(checks);
        checklist = List.copyOf(checklist);
        actions = List.copyOf(actions);
    }

    public Optional<Action> action(String id) {
        return actions.stream().filter(a -> a.id().equals(id)).findFirst();
    }
}
