package org.opsbot.commands.access;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The keys opsbot.yaml's {@code permissions:} may name: each one decided on by some command (a
 * whole command such as {@code override}, a part of one such as {@code override.cancel}, or
 * something a command does such as {@code declare-top-severity}). The commands declare them
 * (they live in the bot); the engine only checks the file and the decisions against them.
 */
public record PermissionKeys(SortedSet<String> keys) {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*");

    public PermissionKeys {
        for (String key : keys) {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("a permission key is lower-case words joined by '-' and '.': '" + key + "'");
            }
        }
        keys = Collections.unmodifiableSortedSet(new TreeSet<>(keys));
    }

    public static PermissionKeys of(String... keys) {
        return new PermissionKeys(new TreeSet<>(List.of(keys)));
    }

    public static PermissionKeys none() {
        return of();
    }

    /** Every key of every one of {@code parts}. */
    public static PermissionKeys union(Collection<PermissionKeys> parts) {
        SortedSet<String> all = new TreeSet<>();
        parts.forEach(p -> all.addAll(p.keys()));
        return new PermissionKeys(all);
    }

    public PermissionKeys and(PermissionKeys more) {
        return union(List.of(this, more));
    }

    public boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public String toString() {
        return String.join(", ", keys);
    }
}
