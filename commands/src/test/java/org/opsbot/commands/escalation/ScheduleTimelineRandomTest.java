package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.OnCallOverride;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random layered schedules and overrides (seeded, so a failure repeats): the shifts and gaps of a
 * span tile it without holes or overlaps, and who a shift names is who is on call at any moment
 * inside it.
 */
class ScheduleTimelineRandomTest {
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("Asia/Singapore"),
            ZoneId.of("America/New_York"), ZoneId.of("UTC"), ZoneId.of("Australia/Sydney"));

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void shiftsAndGapsTileTheSpanAndAgreeWithWhoIsOnCall(long seed) {
        Random random = new Random(seed);
        Schedule schedule = schedule(random);
        // Spans that cross daylight-saving changes in both hemispheres.
        Instant from = Instant.parse("2026-03-20T00:00:00Z").plus(Duration.ofHours(random.nextInt(24 * 200)));
        Instant until = from.plus(Duration.ofHours(24 + random.nextInt(24 * 20)));
        List<OnCallOverride> overrides = overrides(random, from, until);

        List<Shift> shifts = Rotation.shifts(schedule, overrides, from, until);
        List<Rotation.Gap> gaps = Rotation.gaps(schedule, overrides, from, until);

        List<Instant[]> pieces = new ArrayList<>();
        shifts.forEach(s -> pieces.add(new Instant[]{s.from().isBefore(from) ? from : s.from(), s.until().isAfter(until) ? until : s.until()}));
        gaps.forEach(g -> pieces.add(new Instant[]{g.from(), g.until()}));
        pieces.sort((a, b) -> a[0].compareTo(b[0]));
        Instant at = from;
        for (Instant[] piece : pieces) {
            assertThat(piece[0]).as("seed %d: no hole or overlap at %s", seed, at).isEqualTo(at);
            assertThat(piece[1]).isAfter(piece[0]);
            at = piece[1];
        }
        assertThat(at).as("seed %d: the pieces reach the end", seed).isEqualTo(until);

        for (Shift shift : shifts) {
            Instant start = shift.from().isBefore(from) ? from : shift.from();
            Instant end = shift.until().isAfter(until) ? until : shift.until();
            for (Instant probe : List.of(start, start.plus(Duration.between(start, end).dividedBy(2)), end.minusMillis(1))) {
                Optional<Shift> now = Rotation.at(schedule, overrides, probe);
                assertThat(now).as("seed %d at %s", seed, probe).isPresent();
                assertThat(now.get().user()).isEqualTo(shift.user());
                assertThat(now.get().from()).isEqualTo(shift.from());
                assertThat(now.get().until()).isEqualTo(shift.until());
            }
        }
        for (Rotation.Gap gap : gaps) {
            assertThat(Rotation.at(schedule, overrides, gap.from())).as("seed %d: a gap has nobody", seed).isEmpty();
        }
    }

    private static Schedule schedule(Random random) {
        int n = 1 + random.nextInt(3);
        List<Schedule.Layer> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Schedule.Rotation rotation = switch (random.nextInt(3)) {
                case 0 -> Schedule.Rotation.DAILY;
                case 1 -> Schedule.Rotation.WEEKLY;
                default -> new Schedule.Rotation(Schedule.RotationKind.DURATION, Duration.ofHours(1 + random.nextInt(48)));
            };
            Optional<DayOfWeek> day = rotation.kind() == Schedule.RotationKind.WEEKLY && random.nextBoolean()
                    ? Optional.of(DayOfWeek.of(1 + random.nextInt(7))) : Optional.empty();
            List<String> members = new ArrayList<>();
            for (int m = 0; m <= random.nextInt(3); m++) {
                members.add("U0L" + i + "M" + m + "0000");
            }
            Optional<Schedule.Restriction> restriction = Optional.empty();
            if (random.nextInt(3) > 0) {
                Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                for (DayOfWeek d : DayOfWeek.values()) {
                    if (random.nextInt(3) > 0) {
                        days.add(d);
                    }
                }
                if (days.isEmpty()) {
                    days.add(DayOfWeek.MONDAY);
                }
                LocalTime a = LocalTime.of(random.nextInt(24), random.nextBoolean() ? 0 : 30);
                LocalTime b = random.nextInt(5) == 0 ? a : LocalTime.of(random.nextInt(24), 0);
                restriction = Optional.of(new Schedule.Restriction(days, a, b));
            }
            layers.add(new Schedule.Layer("layer " + i, ZONES.get(random.nextInt(ZONES.size())), rotation,
                    LocalDate.parse("2026-01-05").plusDays(random.nextInt(60)),
                    new Schedule.HandOff(day, LocalTime.of(random.nextInt(24), random.nextBoolean() ? 0 : 15)),
                    members, restriction));
        }
        return new Schedule("random", layers, "", 0);
    }

    private static List<OnCallOverride> overrides(Random random, Instant from, Instant until) {
        List<OnCallOverride> out = new ArrayList<>();
        long span = Duration.between(from, until).toMinutes();
        for (int i = 0; i < random.nextInt(4); i++) {
            Instant start = from.plus(Duration.ofMinutes(random.nextLong(span)));
            Instant end = start.plus(Duration.ofMinutes(1 + random.nextInt(60 * 48)));
            out.add(new OnCallOverride(i + 1, "random", "U0OVER" + i + "0000", start, end, "U0LEAD0001",
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(100_000))));
        }
        return out;
    }
}
