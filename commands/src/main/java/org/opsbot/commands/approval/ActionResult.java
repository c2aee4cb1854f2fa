package org.opsbot.commands.approval;

/**
 * How a run ended, already masked for secrets and trimmed for Slack.
 *
 * @param summary one line: {@code HTTP 204 in 120 ms}, {@code exit code 1}, {@code timeout after 2 min}
 * @param output  the response body or the program's output (may be empty)
 */
public record ActionResult(boolean succeeded, String summary, String output) {
}
