package org.opsbot.commands.escalation;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.NotifyTarget;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.OverrideStore;

import java.time.Clock;
import java.util.function.Supplier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * On-call overrides: someone takes a team's schedule for a while. Which schedule, how long an
 * override may last and what is audited are decided here, so that {@code /ops override}, the
 * roster answers and the terminal only ask. An override may start later and cover part of a
 * shift; of overlapping overrides the one created last wins. Overrides end by themselves or are
 * cancelled by their author, the person they put on call, or someone allowed to cancel others'.
 */
public final class Overrides {
    /**
     * The longest an override may last unless {@code OPSBOT_OVERRIDE_MAX} says otherwise: longer
     * is a change of the rotation, made in opsbot.yaml.
     */
    public static final Duration LONGEST = Duration.ofDays(31);

    private final OverrideStore store;
    private final Supplier<OpsbotConfig> config;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration longest;

    public Overrides(Database db, OpsbotConfig config, AuditLog audit, Clock clock) {
        this(db, () -> config, audit, clock, LONGEST);
    }

    /** @param config read at each decision: the configuration in force */
    public Overrides(Database db, Supplier<OpsbotConfig> config, AuditLog audit, Clock clock) {
        this(db, config, audit, clock, LONGEST);
    }

    /** @param longest how long one override may last (the setting {@code OPSBOT_OVERRIDE_MAX}) */
    public Overrides(Database db, Supplier<OpsbotConfig> config, AuditLog audit, Clock clock, Duration longest) {
        this.store = new OverrideStore(db, clock);
        this.config = config;
        this.audit = audit;
        this.clock = clock;
        this.longest = longest;
    }

    /** How long one override may last. */
    public Duration longest() {
        return longest;
    }

    /** What a roster at {@code at} or later needs: every override still in force then. */
    public List<OnCallOverride> endingAfter(Instant at) {
        return store.endingAfter(at);
    }

    /**
     * Puts {@code user} on call for {@code team}'s schedule (the first its escalation notifies)
     * from now for {@code duration}, and audits it as {@code by}'s doing.
     *
     * @throws Refused when the duration is out of bounds (checked first) or the team pages no schedule
     */
    public Created create(Team team, String user, Duration duration, String by) throws Refused {
        Instant now = clock.instant();
        checkLength(duration);
        Schedule schedule = scheduleOf(team).orElseThrow(() -> new Refused(Refused.Reason.NO_SCHEDULE));
        return create(schedule, Optional.of(team), user, now, now.plus(duration), by);
    }

    /**
     * Puts {@code user} on call for {@code schedule} from {@code from} (now when it is in the
     * past) until {@code until}, and audits it as {@code by}'s doing.
     *
     * @param team the team it was asked for, for the audit; empty when a schedule was named
     * @throws Refused when it ends before now or lasts longer than {@link #longest()}
     */
    public Created create(Schedule schedule, Optional<Team> team, String user, Instant from, Instant until, String by)
            throws Refused {
        Instant now = clock.instant();
        Instant start = from.isBefore(now) ? now : from;
        if (!until.isAfter(start)) {
            throw new Refused(until.isAfter(now) ? Refused.Reason.DURATION : Refused.Reason.OVER);
        }
        checkLength(Duration.between(start, until));
        Optional<Shift> before = Rotation.at(schedule, store.endingAfter(start), start);
        OnCallOverride override = store.add(schedule.name(), user, start, until, by);
        Map<String, String> details = new java.util.LinkedHashMap<>();
        team.ifPresent(t -> details.put("team", t.name()));
        details.put("user", user);
        details.put("from", override.from().toString());
        details.put("until", override.until().toString());
        audit.append(by, "oncall.override", "schedule:" + schedule.name(), details);
        return new Created(override, schedule, before);
    }

    private void checkLength(Duration duration) throws Refused {
        if (duration.isZero() || duration.isNegative() || duration.compareTo(longest) > 0) {
            throw new Refused(Refused.Reason.DURATION);
        }
    }

    /** The schedule a team's overrides take: the first its escalation notifies. */
    public Optional<Schedule> scheduleOf(Team team) {
        return firstSchedule(team);
    }

    /** Overrides not yet over, of one schedule or all, in the order they were made. */
    public List<OnCallOverride> upcoming(Optional<String> schedule) {
        return store.endingAfter(clock.instant()).stream()
                .filter(o -> schedule.isEmpty() || o.schedule().equals(schedule.get()))
                .toList();
    }

    /**
     * Cancels override {@code id} on behalf of {@code by}, who may when they made it or it puts
     * them on call, or when {@code mayCancelOthers} (their role allows it).
     *
     * @throws Refused NOT_FOUND for no such override (or one already over or cancelled),
     *                 NOT_YOURS when {@code by} may not cancel it
     */
    public OnCallOverride cancel(long id, String by, java.util.function.BooleanSupplier mayCancelOthers) throws Refused {
        OnCallOverride override = store.find(id).filter(o -> o.until().isAfter(clock.instant()))
                .orElseThrow(() -> new Refused(Refused.Reason.NOT_FOUND));
        if (!by.equals(override.createdBy()) && !by.equals(override.user()) && !mayCancelOthers.getAsBoolean()) {
            throw new Refused(Refused.Reason.NOT_YOURS);
        }
        if (!store.cancel(id, by)) {
            throw new Refused(Refused.Reason.NOT_FOUND);
        }
        audit.append(by, "oncall.override.cancel", "schedule:" + override.schedule(), Map.of(
                "id", Long.toString(id), "user", override.user(), "from", override.from().toString(),
                "until", override.until().toString()));
        return override;
    }

    private Optional<Schedule> firstSchedule(Team team) {
        return team.escalation().tiers().stream()
                .flatMap(t -> t.targets().stream())
                .filter(t -> t.kind() == NotifyTarget.Kind.SCHEDULE)
                .map(NotifyTarget::id)
                .map(config.get().schedules()::get)
                .filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * @param override the override as stored
     * @param schedule the schedule it overrides
     * @param before   who that schedule had on call just before
     */
    public record Created(OnCallOverride override, Schedule schedule, Optional<Shift> before) {
    }

    /** Why an override was not made; the caller words it for the person who asked. */
    public static final class Refused extends Exception {
        public enum Reason {
            /** Not more than zero, or longer than {@link #longest()}. */
            DURATION,
            /** It would end before now. */
            OVER,
            /** No override has that id (or it is over, or cancelled). */
            NOT_FOUND,
            /** The caller neither made it nor is covered by it, and may not cancel others'. */
            NOT_YOURS,
            /** The team's escalation notifies no schedule, so there is nothing to override. */
            NO_SCHEDULE
        }

        private final Reason reason;

        Refused(Reason reason) {
            super(reason.name());
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
