package org.opsbot.commands.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * An on-call rotation. Who is on call when is the escalation package's business; this is the
 * rotation as written.
 *
 * @param start   the date of the first hand-off, which anchors who is first
 * @param handOff when the rotation moves on, in {@code timeZone}
 * @param members Slack user ids, in rotation order
 */
public record Schedule(String name, ZoneId timeZone, Rotation rotation, LocalDate start, HandOff handOff,
                       List<String> members) {

    public Schedule {
        members = List.copyOf(members);
    }

    public enum RotationKind { DAILY, WEEKLY, DURATION }

    /** {@code daily}, {@code weekly}, or a fixed length such as {@code 12h}. */
    public record Rotation(RotationKind kind, Duration length) {
        public static final Rotation DAILY = new Rotation(RotationKind.DAILY, Duration.ofDays(1));
        public static final Rotation WEEKLY = new Rotation(RotationKind.WEEKLY, Duration.ofDays(7));
    }

    /** {@code "Mon 09:00"} (weekly) or {@code "09:00"}; without a day, the start date's weekday. */
    public record HandOff(Optional<DayOfWeek> day, LocalTime time) {
        public static final HandOff DEFAULT = new HandOff(Optional.empty(), LocalTime.of(9, 0));
    }
}
