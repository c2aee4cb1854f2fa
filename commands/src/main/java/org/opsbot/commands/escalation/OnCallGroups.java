package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who a schedule's Slack user group ({@code slack-usergroup}) should hold: the person on call.
 * Slack refuses to empty a user group, so during a gap the last person on call stays in it, and
 * the gap is said.
 */
public final class OnCallGroups {
    /** How far back the last person on call is looked for when nobody is on call now. */
    private static final Duration LOOK_BACK = Duration.ofDays(31);

    private OnCallGroups() {
    }

    /**
     * The membership wanted.
     *
     * @param user     the one member
     * @param gapSince when nobody has been on call since ({@code user} then is the last person who was); empty when {@code user} is on call
     */
    public record Membership(String user, Optional<Instant> gapSince) {
        public boolean gap() {
            return gapSince.isPresent();
        }
    }

    /**
     * What {@code schedule}'s user group should hold at {@code now}; empty when nobody is on call
     * and nobody was within a month either (the group is then left as it is).
     */
    public static Optional<Membership> wanted(Schedule schedule, List<OnCallOverride> overrides, Instant now) {
        Optional<Shift> current = Rotation.at(schedule, overrides, now);
        if (current.isPresent()) {
            return Optional.of(new Membership(current.get().user(), Optional.empty()));
        }
        List<Shift> before = Rotation.shifts(schedule, overrides, now.minus(LOOK_BACK), now);
        return before.stream()
                .filter(s -> !s.until().isAfter(now))
                .reduce((a, b) -> b)
                .map(last -> new Membership(last.user(), Optional.of(last.until())));
    }
}
