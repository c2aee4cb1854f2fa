package org.opsbot.commands.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

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
}
