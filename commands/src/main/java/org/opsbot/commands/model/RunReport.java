package org.opsbot.commands.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished run of a runbook's checks: what the bot posts, the terminal prints and the
 * database keeps.
 *
 * @param actor   who or what started it: a Slack user id, {@code schedule:<cron>} or {@code cli}
 * @param results one per check, in runbook order
 */
public record RunReport(String runbook, String title, String actor, Instant startedAt, Duration duration,
                        List<CheckResult> results) {
    public RunReport {
        results = List.copyOf(results);
    }

    /** The worst status of any check; OK for a runbook without checks. */
    public Status status() {
        Status worst = Status.OK;
        for (CheckResult r : results) {
            worst = worst.worse(r.status());
        }
        return worst;
    }

    public long count(Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** {@code "7/8 OK, 1 CRIT"}; the non-OK counts worst first. */
    public String summary() {
        if (results.isEmpty()) {
            return "no checks";
        }
        List<String> parts = new ArrayList<>();
        parts.add(count(Status.OK) + "/" + results.size() + " OK");
        for (Status s : List.of(Status.CRIT, Status.ERROR, Status.WARN)) {
            long n = count(s);
            if (n > 0) {
                parts.add(n + " " + s);
            }
        }
        return String.join(", ", parts);
    }
}
