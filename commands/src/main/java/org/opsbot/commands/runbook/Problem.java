package org.opsbot.commands.runbook;

import java.nio.file.Path;

/**
 * Something wrong in a runbook file, where it is, and how to fix it. Printed as
 * {@code runbooks/cdc.yaml:12: unknown key "timout" — did you mean "timeout"?}.
 */
public record Problem(Path file, int line, String message, String fix) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message + (fix == null || fix.isEmpty() ? "" : " — " + fix);
    }
}
