package org.opsbot.commands.incident;

import java.time.Instant;

/**
 * One line of an incident's timeline.
 *
 * @param actor  a Slack user id, or {@code opsbot} / an alert source for what no person did
 * @param source where it came from: {@code incident}, {@code alert-group:<id>}, {@code escalation} or {@code procedure}
 */
public record TimelineEntry(Instant at, String actor, String kind, String text, String source) {
}
