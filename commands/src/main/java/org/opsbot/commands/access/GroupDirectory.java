package org.opsbot.commands.access;

import java.util.Optional;
import java.util.Set;

/**
 * Who belongs to a Slack user group ({@code @oncall}). Implementations answer from what they
 * already know and never wait on Slack: a permission check runs before Slack's 3-second ack.
 */
@FunctionalInterface
public interface GroupDirectory {

    /** The user ids of the group with this handle (without '@'); empty when not known (yet). */
    Optional<Set<String>> members(String handle);

    /** For deployments without user groups, and for tests. */
    static GroupDirectory none() {
        return handle -> Optional.empty();
    }
}
