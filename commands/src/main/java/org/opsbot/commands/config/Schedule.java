package org.opsbot.commands.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An on-call schedule: one or more layers, each a rotation. Where several layers cover the same
 * moment the later one wins. Who is on call when is the escalation package's business; this is
 * the schedule as written.
 *
 * @param layers in the order written; the single-rotation form of opsbot.yaml is one layer
 * @param file   where it is written, for validate's warnings (empty when built in code)
 * @param line   its line in {@code file}
 * @param handOffNotice how long before a shift starts the incoming person is told ({@code hand-off-notice})
 * @param slackUsergroup the handle of the Slack user group kept equal to who is on call ({@code slack-usergroup})
 */
public record Schedule(String name, List<Layer> layers, String file, int line, Duration handOffNotice,
                       Optional<String> slackUsergroup) {
    /** The hand-off notice unless {@code hand-off-notice} says otherwise. */
    public static final Duration DEFAULT_HAND_OFF_NOTICE = Duration.ofHours(1);

    public Schedule {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a schedule has at least one layer");
        }
        if (handOffNotice.isNegative()) {
            throw new IllegalArgumentException("a hand-off notice is not negative");
        }
    }

    public Schedule(String name, List<Layer> layers, String file, int line, Duration handOffNotice) {
        this(name, layers, file, line, handOffNotice, Optional.empty());
    }

    public Schedule(String name, List<Layer> layers, String file, int line) {
        this(name, layers, file, line, DEFAULT_HAND_OFF_NOTICE);
    }

    /** The single-rotation form: one layer, every day, all day. */
    public Schedule(String name, ZoneId timeZone, Rotation rotation, LocalDate start, HandOff handOff,
                    List<String> members) {
        this(name, List.of(new Layer(name, timeZone, rotation, start, handOff, members, Optional.empty())), "", 0);
    }

    /** The first layer's zone: the schedule's own, for a single rotation. */
    public ZoneId timeZone() {
        return layers.getFirst().timeZone();
    }

    /** The first layer's rotation (the whole schedule's, in the single-rotation form). */
    public Rotation rotation() {
        return layers.getFirst().rotation();
    }

    public LocalDate start() {
        return layers.getFirst().start();
    }

    public HandOff handOff() {
        return layers.getFirst().handOff();
    }

    /** Everyone in any layer, each once, in the order written. */
    public List<String> members() {
        Set<String> all = new LinkedHashSet<>();
        layers.forEach(l -> all.addAll(l.members()));
        return List.copyOf(all);
    }

    /**
     * One rotation of a schedule.
     *
     * @param timeZone    where its hand-off time and restriction are read
     * @param start       the date of the first hand-off, which anchors who is first
     * @param handOff     when the rotation moves on, in {@code timeZone}
     * @param members     Slack user ids, in rotation order
     * @param restriction the days and hours it covers; empty: always
     */
    public record Layer(String name, ZoneId timeZone, Rotation rotation, LocalDate start, HandOff handOff,
                        List<String> members, Optional<Restriction> restriction) {
        public Layer {
            members = List.copyOf(members);
        }
    }

    /**
     * The days and hours a layer covers, in its zone: on each of {@code days} from {@code from}
     * to {@code to}; {@code to} at or before {@code from} runs into the next day (a night), and
     * {@code from} equal to {@code to} is the whole day.
     */
    public record Restriction(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        public Restriction {
            days = Set.copyOf(days);
        }
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
