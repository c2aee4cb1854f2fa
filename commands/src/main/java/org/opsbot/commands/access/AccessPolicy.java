package org.opsbot.commands.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * opsbot.yaml's {@code roles:} (role → Slack user ids or "@usergroup" handles) and
 * {@code permissions:} (permission → roles), and the decision made from them.
 *
 * <p>Fails closed: a permission that {@code permissions:} does not list, or lists only with
 * roles that are undefined or empty, is denied to everyone. Risky commands must never become
 * open because someone forgot a line of configuration.
 */
public final class AccessPolicy {

    // Replaced together by a reload (replace); a decision reads each once.
    private volatile Map<String, List<String>> roles;
    private volatile Map<String, List<String>> permissions;
    private final Optional<PermissionKeys> declared;

    /** A policy that decides any key (tests; one-off decisions such as a team's own role). */
    public AccessPolicy(Map<String, List<String>> roles, Map<String, List<String>> permissions) {
        this(roles, permissions, Optional.empty());
    }

    /**
     * The bot's policy: {@code permissions:} may name only {@code declared} keys (opsbot validate
     * has said where a wrong one is), and deciding on a key no command declared is a bug.
     *
     * @throws IllegalArgumentException when {@code permissions} names a key that is not declared
     */
    public AccessPolicy(Map<String, List<String>> roles, Map<String, List<String>> permissions, PermissionKeys declared) {
        this(roles, permissions, Optional.of(declared));
        var unknown = new TreeSet<>(this.permissions.keySet());
        unknown.removeAll(declared.keys());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("permissions: names " + String.join(", ", unknown)
                    + ", which no command decides on (known: " + declared + "); run opsbot validate");
        }
    }

    private AccessPolicy(Map<String, List<String>> roles, Map<String, List<String>> permissions,
                         Optional<PermissionKeys> declared) {
        this.roles = copy(roles);
        this.permissions = copy(permissions);
        this.declared = declared;
    }

    /**
     * Puts the roles and permissions of a reloaded opsbot.yaml in force. Checked as at start:
     * a key no command declares is refused, and the policy in force stays.
     *
     * @throws IllegalArgumentException when {@code permissions} names a key that is not declared
     */
    public synchronized void replace(Map<String, List<String>> roles, Map<String, List<String>> permissions) {
        declared.ifPresent(keys -> new AccessPolicy(roles, permissions, keys));
        this.permissions = copy(permissions);
        this.roles = copy(roles);
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
        if (declared.isPresent() && !declared.get().contains(permission)) {
            // A key nobody declared could never be configured: it would be denied forever.
            throw new IllegalArgumentException("no command declares the permission key '" + permission
                    + "'; declare it in the permission keys of the command that decides it");
        }
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
