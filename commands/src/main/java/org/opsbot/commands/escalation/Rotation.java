package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who a schedule has on call at an instant: a pure function of the schedule, its overrides and
 * the instant.
 *
 * <p>Daily and weekly rotations hand off at the same wall-clock time in the schedule's zone, so
 * "Mon 09:00 Europe/Berlin" stays 09:00 across daylight-saving changes (the shift around a change
 * is an hour shorter or longer). A rotation of a fixed length ("12h") counts real time from its
 * first hand-off. Before the first hand-off the rotation is taken to have been running already,
 * so the member before the first one is on call.
 */
public final class Rotation {
    private Rotation() {
    }

    /** Who is on call at {@code at}, overrides included; empty when the schedule has no members. */
    public static Optional<Shift> at(Schedule schedule, List<OnCallOverride> overrides, Instant at) {
        Optional<OnCallOverride> override = overrides.stream()
                .filter(o -> o.schedule().equals(schedule.name()) && o.covers(at))
                .max(Comparator.comparing(OnCallOverride::createdAt).thenComparing(OnCallOverride::id));
        if (override.isPresent()) {
            OnCallOverride o = override.get();
            return Optional.of(new Shift(o.user(), o.from(), o.until(), override));
        }
        return scheduled(schedule, at);
    }

    /** Who the rotation itself has on call at {@code at}, ignoring overrides. */
    public static Optional<Shift> scheduled(Schedule schedule, Instant at) {
        List<String> members = schedule.members();
        if (members.isEmpty()) {
            return Optional.empty();
        }
        long k = handOffsBefore(schedule, at);
        String user = members.get((int) Math.floorMod(k, (long) members.size()));
        return Optional.of(new Shift(user, handOff(schedule, k), handOff(schedule, k + 1), Optional.empty()));
    }

    /** The index of the last hand-off at or before {@code at} (negative before the first). */
    static long handOffsBefore(Schedule schedule, Instant at) {
        Instant first = handOff(schedule, 0);
        long k = switch (schedule.rotation().kind()) {
            case DURATION -> Math.floorDiv(Duration.between(first, at).toMillis(), schedule.rotation().length().toMillis());
            case DAILY, WEEKLY -> Math.floorDiv(
                    ChronoUnit.DAYS.between(firstLocalDate(schedule), at.atZone(schedule.timeZone()).toLocalDate()),
                    periodDays(schedule));
        };
        // The estimate from dates can be one off around the hand-off time itself.
        while (handOff(schedule, k).isAfter(at)) {
            k--;
        }
        while (!handOff(schedule, k + 1).isAfter(at)) {
            k++;
        }
        return k;
    }

    /** The k-th hand-off (k = 0 is the first). */
    static Instant handOff(Schedule schedule, long k) {
        return switch (schedule.rotation().kind()) {
            case DURATION -> firstHandOff(schedule).toInstant().plus(schedule.rotation().length().multipliedBy(k));
            case DAILY, WEEKLY -> ZonedDateTime.of(firstLocalDate(schedule).plusDays(k * periodDays(schedule)),
                    schedule.handOff().time(), schedule.timeZone()).toInstant();
        };
    }

    private static long periodDays(Schedule schedule) {
        return schedule.rotation().kind() == Schedule.RotationKind.WEEKLY ? 7 : 1;
    }

    /** The start date, moved on to the hand-off's weekday when one is given. */
    private static LocalDate firstLocalDate(Schedule schedule) {
        return schedule.handOff().day()
                .map(day -> schedule.start().with(TemporalAdjusters.nextOrSame(day)))
                .orElse(schedule.start());
    }

    private static ZonedDateTime firstHandOff(Schedule schedule) {
        return ZonedDateTime.of(firstLocalDate(schedule), schedule.handOff().time(), schedule.timeZone());
    }
}
