package org.opsbot.commands.escalation;

import org.opsbot.commands.model.OnCallOverride;

import java.time.Instant;
import java.util.Optional;

/**
 * Who is on call for a schedule over a span of time.
 *
 * @param user     the Slack user id on call
 * @param from     when this shift began (the hand-off, or the override's start)
 * @param until    when it ends (the next hand-off, or the override's end)
 * @param override the override that put {@code user} here, if one did
 */
public record Shift(String user, Instant from, Instant until, Optional<OnCallOverride> override) {
}
