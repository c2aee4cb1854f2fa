package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Schedule.Layer;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who a schedule has on call: a pure function of the schedule, its overrides and the instant.
 *
 * <p>A schedule is layers of rotations. At any instant the last layer that covers it (its
 * restriction, if any, includes the instant) has its current member on call; an override in
 * force beats every layer, and of overlapping overrides the one created last wins. Nobody is on
 * call where no layer covers and no override does: a gap.
 *
 * <p>Daily and weekly rotations hand off at the same wall-clock time in the layer's zone, so
 * "Mon 09:00 Europe/Berlin" stays 09:00 across daylight-saving changes (the shift around a change
 * is an hour shorter or longer); restrictions are read on the wall clock of that zone too. A
 * rotation of a fixed length ("12h") counts real time from its first hand-off. Before the first
 * hand-off the rotation is taken to have been running already, so the member before the first
 * one is on call.
 */
public final class Rotation {
    /** How far a shift is followed back and forth before it is cut (a one-person layer never hands off to another). */
    private static final Duration REACH = Duration.ofDays(400);
    private static final int MAX_STEPS = 50_000;

    private Rotation() {
    }

    /** Who is on call at {@code at}, overrides included; empty in a gap. */
    public static Optional<Shift> at(Schedule schedule, List<OnCallOverride> overrides, Instant at) {
        List<OnCallOverride> own = own(schedule, overrides);
        Owner owner = owner(schedule, own, at);
        if (owner.nobody()) {
            return Optional.empty();
        }
        return Optional.of(segment(schedule, own, at, owner, at.minus(REACH), at.plus(REACH)));
    }

    /** Who the layers themselves have on call at {@code at}, ignoring overrides. */
    public static Optional<Shift> scheduled(Schedule schedule, Instant at) {
        return at(schedule, List.of(), at);
    }

    /**
     * Every shift that overlaps {@code [from, until)}, in order, overrides included; the first
     * may begin before {@code from} and the last end after {@code until}. Between them are the gaps.
     */
    public static List<Shift> shifts(Schedule schedule, List<OnCallOverride> overrides, Instant from, Instant until) {
        List<Shift> out = new ArrayList<>();
        walk(schedule, overrides, from, until, out, new ArrayList<>());
        return out;
    }

    /** The times in {@code [from, until)} when the schedule has nobody on call, cut to that span. */
    public static List<Gap> gaps(Schedule schedule, List<OnCallOverride> overrides, Instant from, Instant until) {
        List<Gap> out = new ArrayList<>();
        walk(schedule, overrides, from, until, new ArrayList<>(), out);
        return out;
    }

    /** A time with nobody on call. */
    public record Gap(Instant from, Instant until) {
    }

    private static void walk(Schedule schedule, List<OnCallOverride> overrides, Instant from, Instant until,
                             List<Shift> shifts, List<Gap> gaps) {
        List<OnCallOverride> own = own(schedule, overrides);
        Instant t = from;
        int steps = 0;
        while (t.isBefore(until) && steps++ < MAX_STEPS) {
            Owner owner = owner(schedule, own, t);
            Shift segment = segment(schedule, own, t, owner, t.equals(from) ? from.minus(REACH) : t, until.plus(REACH));
            if (owner.nobody()) {
                gaps.add(new Gap(t, segment.until().isAfter(until) ? until : segment.until()));
            } else {
                shifts.add(segment);
            }
            t = segment.until();
        }
    }

    private static List<OnCallOverride> own(Schedule schedule, List<OnCallOverride> overrides) {
        return overrides.stream().filter(o -> o.schedule().equals(schedule.name())).toList();
    }

    /**
     * Who has a moment, and by what: the same person by another layer, another turn of the
     * rotation or another override is another shift.
     */
    private record Owner(String user, int layer, long turn, Optional<OnCallOverride> override) {
        static final Owner NOBODY = new Owner(null, -1, 0, Optional.empty());

        boolean nobody() {
            return user == null;
        }
    }

    private static Owner owner(Schedule schedule, List<OnCallOverride> overrides, Instant at) {
        Optional<OnCallOverride> override = overrides.stream()
                .filter(o -> o.covers(at))
                .max(Comparator.comparing(OnCallOverride::createdAt).thenComparing(OnCallOverride::id));
        if (override.isPresent()) {
            return new Owner(override.get().user(), -1, override.get().id(), override);
        }
        List<Layer> layers = schedule.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            if (layer.members().isEmpty() || !Restrictions.covers(layer, at)) {
                continue;
            }
            long k = handOffsBefore(layer, at);
            return new Owner(layer.members().get((int) Math.floorMod(k, (long) layer.members().size())), i, k,
                    Optional.empty());
        }
        return Owner.NOBODY;
    }

    /** The span around {@code at} that {@code owner} holds without a break, within {@code [low, high]}. */
    private static Shift segment(Schedule schedule, List<OnCallOverride> overrides, Instant at, Owner owner,
                                 Instant low, Instant high) {
        Instant start = previousChange(schedule, overrides, at);
        int steps = 0;
        while (start.isAfter(low) && steps++ < MAX_STEPS) {
            Instant before = start.minusMillis(1);
            if (!owner(schedule, overrides, before).equals(owner)) {
                break;
            }
            start = previousChange(schedule, overrides, before);
        }
        if (start.isBefore(low)) {
            start = low;
        }
        Instant end = nextChange(schedule, overrides, at);
        steps = 0;
        while (end.isBefore(high) && steps++ < MAX_STEPS && owner(schedule, overrides, end).equals(owner)) {
            end = nextChange(schedule, overrides, end);
        }
        if (end.isAfter(high)) {
            end = high;
        }
        return new Shift(owner.nobody() ? "" : owner.user(), start, end, owner.override());
    }

    /** The latest instant at or before {@code at} where who is on call may change. */
    private static Instant previousChange(Schedule schedule, List<OnCallOverride> overrides, Instant at) {
        Instant best = at.minus(REACH);
        for (OnCallOverride o : overrides) {
            best = latest(best, o.from(), at);
            best = latest(best, o.until(), at);
        }
        for (Layer layer : schedule.layers()) {
            best = latest(best, handOff(layer, handOffsBefore(layer, at)), at);
            for (Instant edge : Restrictions.edgesAround(layer, at)) {
                best = latest(best, edge, at);
            }
        }
        return best;
    }

    /** The earliest instant after {@code at} where who is on call may change. */
    private static Instant nextChange(Schedule schedule, List<OnCallOverride> overrides, Instant at) {
        Instant best = at.plus(REACH);
        for (OnCallOverride o : overrides) {
            best = earliest(best, o.from(), at);
            best = earliest(best, o.until(), at);
        }
        for (Layer layer : schedule.layers()) {
            best = earliest(best, handOff(layer, handOffsBefore(layer, at) + 1), at);
            for (Instant edge : Restrictions.edgesAround(layer, at)) {
                best = earliest(best, edge, at);
            }
        }
        return best;
    }

    private static Instant latest(Instant best, Instant candidate, Instant notAfter) {
        return !candidate.isAfter(notAfter) && candidate.isAfter(best) ? candidate : best;
    }

    private static Instant earliest(Instant best, Instant candidate, Instant after) {
        return candidate.isAfter(after) && candidate.isBefore(best) ? candidate : best;
    }

    /** The index of the first layer's last hand-off at or before {@code at}. */
    static long handOffsBefore(Schedule schedule, Instant at) {
        return handOffsBefore(schedule.layers().getFirst(), at);
    }

    /** The first layer's k-th hand-off. */
    static Instant handOff(Schedule schedule, long k) {
        return handOff(schedule.layers().getFirst(), k);
    }

    /** The index of the last hand-off at or before {@code at} (negative before the first). */
    static long handOffsBefore(Layer layer, Instant at) {
        Instant first = handOff(layer, 0);
        long k = switch (layer.rotation().kind()) {
            case DURATION -> Math.floorDiv(Duration.between(first, at).toMillis(), layer.rotation().length().toMillis());
            case DAILY, WEEKLY -> Math.floorDiv(
                    ChronoUnit.DAYS.between(firstLocalDate(layer), at.atZone(layer.timeZone()).toLocalDate()),
                    periodDays(layer));
        };
        // The estimate from dates can be one off around the hand-off time itself.
        while (handOff(layer, k).isAfter(at)) {
            k--;
        }
        while (!handOff(layer, k + 1).isAfter(at)) {
            k++;
        }
        return k;
    }

    /** The k-th hand-off (k = 0 is the first). */
    static Instant handOff(Layer layer, long k) {
        return switch (layer.rotation().kind()) {
            case DURATION -> firstHandOff(layer).toInstant().plus(layer.rotation().length().multipliedBy(k));
            case DAILY, WEEKLY -> ZonedDateTime.of(firstLocalDate(layer).plusDays(k * periodDays(layer)),
                    layer.handOff().time(), layer.timeZone()).toInstant();
        };
    }

    private static long periodDays(Layer layer) {
        return layer.rotation().kind() == Schedule.RotationKind.WEEKLY ? 7 : 1;
    }

    /** The start date, moved on to the hand-off's weekday when one is given. */
    private static LocalDate firstLocalDate(Layer layer) {
        return layer.handOff().day()
                .map(day -> layer.start().with(TemporalAdjusters.nextOrSame(day)))
                .orElse(layer.start());
    }

    private static ZonedDateTime firstHandOff(Layer layer) {
        return ZonedDateTime.of(firstLocalDate(layer), layer.handOff().time(), layer.timeZone());
    }
}
