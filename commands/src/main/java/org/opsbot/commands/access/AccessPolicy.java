package org.opsbot.commands.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * opsbot.yaml's {@code roles:} (role → Slack user ids or "@usergroup" handles) and
 * {@code permissions:} (permission → roles), and the decision made from them.
 *
 * <p>Fails closed: a permission that {@code permissions:} does not list, or lists only with
 * roles that are undefined or empty, is denied to everyone. Risky commands must never become
 * open because someone forgot a line of configuration.
 */
public final class AccessPolicy {

    private final Map<String, List<String>> roles;
    private final Map<String, List<String>> permissions;

    public AccessPolicy(Map<String, List<String>> roles, Map<String, List<String>> permissions) {
        this.roles = copy(roles);
        this.permissions = copy(permissions);
    }

    /** No roles, no permissions: every command that needs a permission is denied. */
    public static AccessPolicy empty() {
        return new AccessPolicy(Map.of(), Map.of());
    }

    /**
     * @param permission the key under {@code permissions:} (for a command, usually its name)
     * @param userId     the Slack user id of whoever asked
     * @param groups     user-group membership as currently known
     */
    public Decision decide(String permission, String userId, GroupDirectory groups) {
        List<String> allowedRoles = permissions.get(permission);
        if (allowedRoles == null || allowedRoles.isEmpty()) {
            return Decision.deny("`" + permission + "` needs a role, and opsbot.yaml gives it none. "
                    + "An admin must add it under `permissions:` (for example `" + permission
                    + ": [responders]`) with a role under `roles:`.");
        }
        List<String> usable = new ArrayList<>();
        List<String> unknownGroups = new ArrayList<>();
        for (String role : allowedRoles) {
            List<String> members = roles.getOrDefault(role, List.of());
            if (members.isEmpty()) {
                continue;
            }
            usable.add(role);
            for (String member : members) {
                if (member.startsWith("@")) {
                    String handle = member.substring(1);
                    Optional<Set<String>> groupMembers = groups.members(handle);
                    if (groupMembers.isEmpty()) {
                        unknownGroups.add(member);
                    } else if (groupMembers.get().contains(userId)) {
                        return Decision.allow();
                    }
                } else if (member.equals(userId)) {
                    return Decision.allow();
                }
            }
        }
        String named = names(allowedRoles);
        if (usable.isEmpty()) {
            return Decision.deny("`" + permission + "` is allowed to " + named
                    + ", but opsbot.yaml gives " + (allowedRoles.size() == 1 ? "that role" : "those roles")
                    + " no members. An admin must add people under `roles:` in opsbot.yaml.");
        }
        String reason = "`" + permission + "` needs the role " + named + ", and you are not in it. "
                + "An admin can add you under `roles:` in opsbot.yaml.";
        if (!unknownGroups.isEmpty()) {
            reason += " (Membership of " + String.join(", ", unknownGroups)
                    + " could not be checked yet; try again in a minute.)";
        }
        return Decision.deny(reason);
    }

    /** Whether the permission is listed at all; {@code opsbot validate} may want to warn. */
    public boolean lists(String permission) {
        return permissions.containsKey(permission);
    }

    private static String names(List<String> roles) {
        return roles.stream().map(r -> "`" + r + "`").reduce((a, b) -> a + " or " + b).orElse("");
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> source) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (source != null) {
            source.forEach((key, values) -> copy.put(key, values == null ? List.of()
                    : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList()));
        }
        return Map.copyOf(copy);
    }
}
