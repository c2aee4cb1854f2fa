package org.opsbot.bot.home;

import org.opsbot.commands.maintenance.Maintenance;

import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.model.StoredAlertGroup;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * What one person's App Home shows, gathered from the engine at one instant.
 *
 * @param zone       their Slack time zone; empty when Slack did not say in time (times in UTC then)
 * @param shifts     their current and next shifts, soonest first
 * @param groups     open alert groups of their teams, most severe first
 * @param waiting    action requests they may approve
 * @param own        their own requests still waiting for approval
 * @param incidents  open incidents they command or were paged for
 */
record HomeContent(String userId, Instant at, Optional<ZoneId> zone, List<Team> teams, List<ScheduledShift> shifts,
                   List<StoredAlertGroup> groups, List<ActionRequest> waiting, List<ActionRequest> own,
                   List<Incident> incidents, List<Maintenance.Upcoming> maintenance) {

    HomeContent(String userId, Instant at, Optional<ZoneId> zone, List<Team> teams, List<ScheduledShift> shifts,
                List<StoredAlertGroup> groups, List<ActionRequest> waiting, List<ActionRequest> own, List<Incident> incidents) {
        this(userId, at, zone, teams, shifts, groups, waiting, own, incidents, List.of());
    }

    /** One of their shifts on {@code schedule}. */
    record ScheduledShift(String schedule, Shift shift) {
        boolean covers(Instant at) {
            return !shift.from().isAfter(at) && shift.until().isAfter(at);
        }
    }

    boolean onCallNow() {
        return shifts.stream().anyMatch(s -> s.covers(at));
    }
}
