package org.opsbot.commands.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * When a tier is active, e.g. {@code {days: Mon-Fri, from: "09:00", to: "18:00", time-zone:
 * Europe/Berlin}}. {@code to} before {@code from} spans midnight (a night shift).
 */
public record BusinessHours(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId timeZone) {

    public BusinessHours {
        days = Set.copyOf(days);
    }

    /** For a night span, the day is the one the shift started on. */
    public boolean contains(ZonedDateTime instant) {
        var local = instant.withZoneSameInstant(timeZone);
        var time = local.toLocalTime();
        if (!from.isAfter(to)) {
            return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        if (!time.isBefore(from)) {
            return days.contains(local.getDayOfWeek());
        }
        return time.isBefore(to) && days.contains(local.getDayOfWeek().minus(1));
    }
}
