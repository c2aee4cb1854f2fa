package org.opsbot.commands.check;

import java.util.Set;
import java.util.TreeSet;

/**
 * The programs {@code exec} checks and actions may start, by the exact name or path written in
 * the runbook. It is set by whoever runs the bot (not by runbook files), so a change to a
 * runbook alone cannot make the bot start a new program.
 */
public record ExecAllowList(Set<String> programs) {
    public ExecAllowList {
        programs = Set.copyOf(programs);
    }

    public static ExecAllowList none() {
        return new ExecAllowList(Set.of());
    }

    public static ExecAllowList of(String... programs) {
        return new ExecAllowList(Set.of(programs));
    }

    public boolean allows(String program) {
        return programs.contains(program);
    }

    @Override
    public String toString() {
        return programs.isEmpty() ? "(empty)" : String.join(", ", new TreeSet<>(programs));
    }
}
