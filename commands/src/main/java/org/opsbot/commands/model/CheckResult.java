package org.opsbot.commands.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How one check ended.
 *
 * @param position  the check's place in its runbook, from 0
 * @param observed  the value seen, as a person reads it ({@code "312 ms"}, {@code "83.5%"},
 *                  {@code "RUNNING"}); empty when nothing was observed (ERROR)
 * @param value     the number compared with thresholds, when there was one
 * @param threshold the threshold crossed, e.g. {@code "crit > 10000"}; empty when none was
 * @param message   one line for people: what was seen, or why the check could not tell
 *                  ({@code "timeout after 5 s"}); masked for secrets
 */
public record CheckResult(int position, String name, String kind, Status status, Optional<String> observed,
                          Optional<Double> value, Optional<String> threshold, String message, Duration duration) {
}
