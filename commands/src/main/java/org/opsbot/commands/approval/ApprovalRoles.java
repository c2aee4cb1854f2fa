package org.opsbot.commands.approval;

import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Problem;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What runbook approvals need from opsbot.yaml's roles, checked at start-up rather than found
 * at 3 a.m.: every approver role exists and names enough people by id (user groups never
 * approve), and an {@code emergency} role, if any, names someone by id.
 */
public final class ApprovalRoles {
    private ApprovalRoles() {
    }

    /** @param configFile opsbot.yaml, named in a problem of the roles themselves */
    public static List<Problem> problems(RunbookCatalog catalog, Map<String, List<String>> roles, java.nio.file.Path configFile) {
        List<Problem> problems = new ArrayList<>();
        for (Runbook runbook : catalog.all()) {
            for (Action action : runbook.actions()) {
                if (action.approval().isEmpty()) {
                    continue;
                }
                Action.Approval a = action.approval().get();
                List<String> members = roles.get(a.role());
                int line = line(runbook, action.id());
                if (members == null) {
                    problems.add(new Problem(runbook.file(), line, "action " + action.id() + " is approved by the role '"
                            + a.role() + "', which opsbot.yaml does not define (roles: " + String.join(", ", new java.util.TreeSet<>(roles.keySet())) + ")",
                            "add '" + a.role() + "' under roles: with the Slack ids of the people who approve, or name another role"));
                    continue;
                }
                long named = members.stream().filter(m -> !m.startsWith("@")).distinct().count();
                if (named < a.count()) {
                    problems.add(new Problem(runbook.file(), line, "action " + action.id() + " needs " + a.count()
                            + " approver(s) from '" + a.role() + "', but that role names only " + named + " person(s) by id"
                            + (named < members.size() ? " (user groups never approve)" : ""),
                            "list at least " + (a.count() + 1) + " people by Slack id under roles: " + a.role()
                                    + " (one more than the count, so a request by one of them can still be approved)"));
                }
            }
        }
        List<String> emergency = roles.get(Approvals.EMERGENCY_ROLE);
        if (emergency != null && emergency.stream().allMatch(m -> m.startsWith("@"))) {
            problems.add(new Problem(configFile, 0, "the emergency role lists no one by id,"
                    + " so nobody can break glass (user groups do not count)", "list the people by Slack id under roles: emergency"));
        }
        return problems;
    }

    // Actions keep no line; their id is a key under actions:, so a scan finds it.
    private static int line(Runbook runbook, String id) {
        Pattern key = Pattern.compile("^\\s+" + Pattern.quote(id) + "\\s*:.*");
        try {
            List<String> lines = Files.readAllLines(runbook.file());
            for (int i = 0; i < lines.size(); i++) {
                if (key.matcher(lines.get(i)).matches()) {
                    return i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Readable a moment ago; the file alone is then the best answer.
        }
        return 0;
    }
}
