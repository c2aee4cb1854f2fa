package org.opsbot.commands.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A dead-man's switch from opsbot.yaml's {@code heartbeats:}: something outside opsbot (a cron
 * job, Alertmanager's Watchdog) checks in at {@code POST /heartbeats/<name>} at least every
 * {@code every}; when none came for {@code every + grace}, an alert group opens for the team.
 *
 * @param severity a severity of the configuration, given to the missed-heartbeat alert
 */
public record Heartbeat(String name, String team, Duration every, Duration grace, Optional<String> severity) {

    /** How long after a check-in (or after opsbot first knew it) the heartbeat counts as missed. */
    public Duration overdueAfter() {
        return every.plus(grace);
    }
}
