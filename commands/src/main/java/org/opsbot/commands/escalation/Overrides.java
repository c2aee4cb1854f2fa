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
 * roster answers and the terminal only ask. Overrides end by themselves; nothing cancels one yet.
 */
public final class Overrides {
    /** The longest an override may last: longer is a change of the rotation, made in opsbot.yaml. */
    public static final Duration LONGEST = Duration.ofDays(31);

    private final OverrideStore store;
    private final Supplier<OpsbotConfig> config;
    private final AuditLog audit;
    private final Clock clock;

    public Overrides(Database db, OpsbotConfig config, AuditLog audit, Clock clock) {
        this(db, () -> config, audit, clock);
    }

    /** @param config read at each decision: the configuration in force */
    public Overrides(Database db, Supplier<OpsbotConfig> config, AuditLog audit, Clock clock) {
        this.store = new OverrideStore(db, clock);
        this.config = config;
        this.audit = audit;
        this.clock = clock;
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
        if (duration.isZero() || duration.isNegative() || duration.compareTo(LONGEST) > 0) {
            throw new Refused(Refused.Reason.DURATION);
        }
        Schedule schedule = firstSchedule(team).orElseThrow(() -> new Refused(Refused.Reason.NO_SCHEDULE));
        Instant now = clock.instant();
        Optional<Shift> before = Rotation.at(schedule, store.endingAfter(now), now);
        OnCallOverride override = store.add(schedule.name(), user, now, now.plus(duration), by);
        audit.append(by, "oncall.override", "schedule:" + schedule.name(), Map.of(
                "team", team.name(), "user", user, "from", override.from().toString(), "until", override.until().toString()));
        return new Created(override, schedule, before);
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
            /** Not more than zero, or longer than {@link #LONGEST}. */
            DURATION,
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
