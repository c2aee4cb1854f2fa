package org.opsbot.commands.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessPolicyTest {

    private final AccessPolicy policy = new AccessPolicy(
            Map.of("responders", List.of("U0ALICE001", "@oncall"),
                    "approvers", List.of("U0LEAD0001"),
                    "nobody", List.of()),
            Map.of("run", List.of("responders"),
                    "override", List.of("approvers"),
                    "audit", List.of("nobody", "ghosts")));

    private final GroupDirectory oncall = handle ->
            handle.equals("oncall") ? Optional.of(Set.of("U0BOB00001")) : Optional.empty();

    @Test
    void aUserNamedInTheRoleIsAllowed() {
        assertThat(policy.decide("run", "U0ALICE001", oncall).allowed()).isTrue();
    }

    @Test
    void aMemberOfAUserGroupInTheRoleIsAllowed() {
        assertThat(policy.decide("run", "U0BOB00001", oncall).allowed()).isTrue();
    }

    @Test
    void someoneOutsideTheRoleIsDeniedWithTheRoleNamed() {
        Decision decision = policy.decide("override", "U0ALICE001", oncall);

        assertThat(decision).isInstanceOfSatisfying(Decision.Denied.class, denied ->
                assertThat(denied.reason()).contains("`approvers`").contains("opsbot.yaml"));
    }

    @Test
    void aPermissionThatIsNotListedIsDeniedToEveryone() {
        Decision decision = policy.decide("declare-top-severity", "U0ALICE001", oncall);

        assertThat(decision).isInstanceOfSatisfying(Decision.Denied.class, denied ->
                assertThat(denied.reason()).contains("permissions:").contains("declare-top-severity"));
    }

    @Test
    void aPermissionListingOnlyEmptyOrUndefinedRolesIsDeniedToEveryone() {
        Decision decision = policy.decide("audit", "U0LEAD0001", oncall);

        assertThat(decision).isInstanceOfSatisfying(Decision.Denied.class, denied ->
                assertThat(denied.reason()).contains("`nobody`").contains("`ghosts`").contains("no members"));
    }

    @Test
    void anUnknownGroupMembershipDeniesAndSaysSo() {
        Decision decision = policy.decide("run", "U0BOB00001", GroupDirectory.none());

        assertThat(decision).isInstanceOfSatisfying(Decision.Denied.class, denied ->
                assertThat(denied.reason()).contains("@oncall").contains("could not be checked"));
    }

    @Test
    void anEmptyPolicyDeniesEverything() {
        assertThat(AccessPolicy.empty().decide("run", "U0ALICE001", oncall).allowed()).isFalse();
    }

    @Test
    void theBotsPolicyRefusesToDecideAKeyNoCommandDeclared() {
        var declared = new AccessPolicy(Map.of("responders", List.of("U0ALICE001")), Map.of("run", List.of("responders")),
                PermissionKeys.of("run", "override", "override.cancel"));

        assertThat(declared.decide("run", "U0ALICE001", oncall).allowed()).isTrue();
        assertThat(declared.decide("override.cancel", "U0ALICE001", oncall).allowed()).isFalse();
        assertThatThrownBy(() -> declared.decide("overide", "U0ALICE001", oncall))
                .hasMessageContaining("no command declares the permission key 'overide'");
    }

    @Test
    void theBotsPolicyRefusesPermissionsNoCommandDecides() {
        assertThatThrownBy(() -> new AccessPolicy(Map.of(), Map.of("run", List.of(), "alerts", List.of()), PermissionKeys.of("run")))
                .hasMessageContaining("permissions: names alerts, which no command decides on");
    }

    @Test
    void aPermissionKeyIsLowerCaseWordsJoinedByDashesAndDots() {
        assertThat(PermissionKeys.of("override.cancel", "declare-top-severity", "audit").keys())
                .containsExactly("audit", "declare-top-severity", "override.cancel");
        assertThatThrownBy(() -> PermissionKeys.of("Override")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PermissionKeys.of("override.")).isInstanceOf(IllegalArgumentException.class);
    }
}
