package org.opsbot.commands.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a team's weekly digest is posted to its channel: {@code digest: {day: Mon, at: "09:00",
 * time-zone: Europe/Berlin}}, or {@code digest: off}. Without the key it is on, Monday 09:00 in
 * the zone of the team's first schedule (UTC without one).
 *
 * @param zone empty: the team's first schedule's zone
 */
public record Digest(boolean enabled, DayOfWeek day, LocalTime at, Optional<ZoneId> zone) {
    public static final Digest DEFAULT = new Digest(true, DayOfWeek.MONDAY, LocalTime.of(9, 0), Optional.empty());
    public static final Digest OFF = new Digest(false, DayOfWeek.MONDAY, LocalTime.of(9, 0), Optional.empty());
}
