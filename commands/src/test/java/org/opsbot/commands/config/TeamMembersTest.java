package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.yaml.Problem;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who belongs to a team: its role, its schedules, its tiers and its own members: list. */
class TeamMembersTest {

    private static final String YAML = """
            roles:
              cdc-responders: [U0ALICE001, "@dba"]
              web-responders: [U0WEB00001]
            schedules:
              cdc-primary:
                time-zone: Europe/Berlin
                rotation: weekly
                start: 2026-01-05
                members: [U0BOB00001, U0CAROL001]
            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: cdc-responders
                members: [U0MANAGER1]
                escalation:
                  tiers:
                    - {name: primary, notify: ["schedule:cdc-primary"]}
                    - {name: lead, after: 15m, notify: [U0LEAD0001, "@leads"]}
              web:
                channel: "#web-alerts"
                responders: web-responders
                members: [U0ALICE001]
            routes:
              - {team: cdc}
            """;

    private final OpsbotConfig config = ConfigParser.parse(YAML, "opsbot.yaml").require();
    private final GroupDirectory groups = handle -> Optional.ofNullable(Map.of(
            "dba", Set.of("U0DBA00001"), "leads", Set.of("U0HEAD0001")).get(handle));
    private final TeamMembers members = new TeamMembers(config, groups);

    @Test
    void aResponderBelongsToTheTeam() {
        assertThat(members.of("U0WEB00001")).extracting(Team::name).containsExactly("web");
    }

    @Test
    void everyMemberOfAScheduleItsTiersUseBelongsNotOnlyWhoeverIsOnCallNow() {
        assertThat(members.of("U0BOB00001")).extracting(Team::name).containsExactly("cdc");
        assertThat(members.of("U0CAROL001")).extracting(Team::name).containsExactly("cdc");
    }

    @Test
    void peopleNamedInTheTiersBelongDirectlyOrThroughTheirUserGroup() {
        assertThat(members.soleTeam("U0LEAD0001")).contains("cdc");
        assertThat(members.soleTeam("U0HEAD0001")).contains("cdc");
        assertThat(members.soleTeam("U0DBA00001")).as("in the responders role through @dba").contains("cdc");
    }

    @Test
    void membersListedExplicitlyBelong() {
        assertThat(members.soleTeam("U0MANAGER1")).contains("cdc");
    }

    @Test
    void someoneInTwoTeamsHasNoSoleTeamAndSomeoneInNoneHasNoTeams() {
        assertThat(members.of("U0ALICE001")).extracting(Team::name).containsExactly("cdc", "web");
        assertThat(members.soleTeam("U0ALICE001")).isEmpty();
        assertThat(members.of("U0STRANGER")).isEmpty();
        assertThat(members.soleTeam("U0STRANGER")).isEmpty();
    }

    @Test
    void anUnknownUserGroupAddsNobodyInsteadOfWaiting() {
        var none = new TeamMembers(config, GroupDirectory.none());
        assertThat(none.of("U0HEAD0001")).isEmpty();
        assertThat(none.of("U0LEAD0001")).extracting(Team::name).containsExactly("cdc");
    }

    @Test
    void aMemberThatIsNoUserIdIsReportedWithItsLine() {
        var problems = ConfigParser.parse(YAML.replace("members: [U0MANAGER1]", "members: [alice]"), "opsbot.yaml").problems();
        assertThat(problems).extracting(Problem::format).containsExactly("opsbot.yaml:14: teams.cdc.members: 'alice'"
                + " is not a Slack user id or user group. Fix: use the member id (U… or W…; in Slack: profile → ⋮ → Copy"
                + " member ID) or a user group as \"@handle\" (quoted)");
    }
}
