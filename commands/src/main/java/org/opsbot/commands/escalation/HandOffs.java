package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.HandOff;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.HandOffStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hand-offs of on-call schedules: which are due (a notice {@code hand-off-notice} before a shift
 * starts, an announcement when it starts; an override's shift is one too), recorded once per
 * schedule, shift start and kind so that two replicas or a restart never send one twice. One
 * missed while the bot was down is still due while its shift runs, and never after. What is due
 * when a schedule is first seen (the shift running then, a notice already due) is recorded without
 * being sent: the bot did not see it coming, and a new install should not greet everyone at once.
 */
public final class HandOffs {
    private final HandOffStore store;
    private final Clock clock;

    public HandOffs(Database db, Clock clock) {
        this.store = new HandOffStore(db, clock);
        this.clock = clock;
    }

    /**
     * The hand-offs of {@code schedule} due at {@code now}: for each shift that has not ended and
     * starts within the notice, its notice, and once it has started its announcement.
     */
    public static List<HandOff> due(Schedule schedule, List<OnCallOverride> overrides, Instant now) {
        List<HandOff> out = new ArrayList<>();
        Instant horizon = now.plus(schedule.handOffNotice()).plusMillis(1);
        for (Shift shift : Rotation.shifts(schedule, overrides, now, horizon)) {
            if (!shift.until().isAfter(now)) {
                continue;
            }
            Optional<String> previous = Rotation.at(schedule, overrides, shift.from().minusMillis(1)).map(Shift::user);
            if (!now.isBefore(shift.from().minus(schedule.handOffNotice()))) {
                out.add(new HandOff(schedule.name(), shift.from(), HandOff.Kind.NOTICE, shift.user(), shift.until(), previous,
                        Optional.empty()));
            }
            if (!now.isBefore(shift.from())) {
                out.add(new HandOff(schedule.name(), shift.from(), HandOff.Kind.ANNOUNCE, shift.user(), shift.until(), previous,
                        Optional.empty()));
            }
        }
        return out;
    }

    /**
     * Records what is due now for each schedule and returns every hand-off still to be sent (its
     * shift not over), those an earlier round recorded but did not finish included.
     *
     * @param overrides every override in force at or after a day ago
     */
    public List<HandOff> recordDue(List<Schedule> schedules, List<OnCallOverride> overrides) {
        Instant now = clock.instant();
        for (Schedule schedule : schedules) {
            // Nothing is said when the same person goes on (another turn, their own override).
            store.record(schedule.name(), due(schedule, overrides, now),
                    handOff -> handOff.previous().filter(handOff.user()::equals).isPresent());
        }
        return store.pending(now);
    }

    /** Marks a hand-off sent: its messages are in the outbox. */
    public void sent(HandOff handOff) {
        store.done(handOff);
    }

    /** The recorded hand-offs of a schedule that began before {@code until}, in order. */
    public List<HandOff> recorded(String schedule, Instant until) {
        return store.announcedBefore(schedule, until);
    }
}
