package org.opsbot.commands.model;

import java.time.Instant;

/** Someone's answer to "Actionable?" for a resolved alert group; the last answer counts. */
public record Verdict(boolean actionable, String by, Instant at) {
}
