package org.opsbot.commands.approval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.runbook.Problem;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalRolesTest {
    @TempDir
    Path dir;

    private RunbookCatalog catalog() throws Exception {
        Files.writeString(dir.resolve("cdc.yaml"), """
                name: cdc
                team: cdc
                actions:
                  restart:
                    http: {url: "http://connect:8083/restart"}
                    approval: {role: approvers, count: 2}
                  resume:
                    http: {url: "http://connect:8083/resume"}
                    approval: {role: leads}
                """);
        return RunbookCatalog.load(dir, Map.of(), ExecAllowList.none());
    }

    @Test
    void anUndefinedRoleAndTooFewNamedApproversAreFoundWithTheActionsLine() throws Exception {
        List<Problem> problems = ApprovalRoles.problems(catalog(), Map.of(
                "approvers", List.of("U0LEAD0001", "@leads"), "emergency", List.of("@oncall")), Path.of("opsbot.yaml"));

        assertThat(problems).extracting(Problem::toString).containsExactly(
                dir.resolve("cdc.yaml") + ":4: action restart needs 2 approver(s) from 'approvers', but that role names only"
                        + " 1 person(s) by id (user groups never approve) — list at least 3 people by Slack id under roles:"
                        + " approvers (one more than the count, so a request by one of them can still be approved)",
                dir.resolve("cdc.yaml") + ":7: action resume is approved by the role 'leads', which opsbot.yaml does not"
                        + " define (roles: approvers, emergency) — add 'leads' under roles: with the Slack ids of the people"
                        + " who approve, or name another role",
                "opsbot.yaml:0: the emergency role lists no one by id, so nobody can break glass (user groups do not count)"
                        + " — list the people by Slack id under roles: emergency");
    }

    @Test
    void enoughNamedApproversIsFine() throws Exception {
        assertThat(ApprovalRoles.problems(catalog(), Map.of(
                "approvers", List.of("U0LEAD0001", "U0LEAD0002", "U0LEAD0003"), "leads", List.of("U0LEAD0001")), Path.of("opsbot.yaml"))).isEmpty();
    }
}
