package org.opsbot.bot.home;

import org.opsbot.commands.maintenance.Maintenance;

import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.TeamMembers;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.model.StoredAlertGroup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Gathers each person's {@link HomeContent} from the engine. What every Home shows alike (the
 * open alert groups and incidents, the overrides) is read once per {@link Snapshot}, so a
 * refresh of many Homes costs a few queries, not a few per person.
 */
final class HomeSources {
    // More open groups than a Home shows ("and N more" says the rest).
    private static final int OPEN_GROUPS = 500;
    /** How many of their shifts, the current one included, a Home lists. */
    static final int SHIFTS = 3;
    static final int MAINTENANCE = 5;
    // Shifts further ahead than this are not looked for (a rotation of many people).
    private static final Duration HORIZON = Duration.ofDays(90);

    private final Supplier<OpsbotConfig> config;
    private final TeamMembers members;
    private final Alerts alerts;
    private final Approvals approvals;
    private final Incidents incidents;
    private final Escalations escalations;
    private final Function<Instant, List<OnCallOverride>> overrides;
    private final UserTimeZones zones;
    private final Clock clock;
    private final Supplier<Maintenance.Overview> maintenance;

    HomeSources(Supplier<OpsbotConfig> config, TeamMembers members, Alerts alerts, Approvals approvals, Incidents incidents,
                Escalations escalations, Function<Instant, List<OnCallOverride>> overrides, UserTimeZones zones,
                Clock clock) {
        this(config, members, alerts, approvals, incidents, escalations, overrides, zones, clock,
                () -> new Maintenance.Overview(List.of(), List.of()));
    }

    /** @param maintenance the windows running now and the next ones, of every team */
    HomeSources(Supplier<OpsbotConfig> config, TeamMembers members, Alerts alerts, Approvals approvals, Incidents incidents,
                Escalations escalations, Function<Instant, List<OnCallOverride>> overrides, UserTimeZones zones,
                Clock clock, Supplier<Maintenance.Overview> maintenance) {
        this.maintenance = maintenance;
        this.escalations = escalations;
        this.config = config;
        this.members = members;
        this.alerts = alerts;
        this.approvals = approvals;
        this.incidents = incidents;
        this.overrides = overrides;
        this.zones = zones;
        this.clock = clock;
    }

    /** What all Homes share, read at one instant. */
    record Snapshot(Instant at, List<StoredAlertGroup> groups, List<Incident> incidents, List<OnCallOverride> overrides,
                    List<Maintenance.Upcoming> windows) {
    }

    Snapshot snapshot() {
        Instant now = clock.instant();
        Maintenance.Overview windows = maintenance.get();
        List<Maintenance.Upcoming> all = new java.util.ArrayList<>();
        windows.running().forEach(w -> all.add(new Maintenance.Upcoming(w.windowName().orElse("maintenance #" + w.id()),
                w.team(), w.startsAt(), w.endsAt(), w.reason())));
        all.addAll(windows.upcoming());
        return new Snapshot(now, alerts.open(Optional.empty(), OPEN_GROUPS), incidents.open(), overrides.apply(now), all);
    }

    HomeContent of(String user, Snapshot s) {
        List<Team> teams = members.of(user);
        Set<String> teamNames = teams.stream().map(Team::name).collect(Collectors.toSet());
        List<StoredAlertGroup> groups = s.groups().stream()
                .filter(g -> teamNames.contains(g.route().team()))
                .sorted(Comparator.comparingInt((StoredAlertGroup g) -> rank(g.severity()))
                        .thenComparing(StoredAlertGroup::openedAt, Comparator.reverseOrder()))
                .toList();
        Set<String> paged = escalations.pagedFor(user, s.incidents().stream().map(Incident::subject).toList());
        List<Incident> incidents = s.incidents().stream()
                .filter(i -> i.commander().equals(user) || paged.contains(i.subject()))
                .toList();
        return new HomeContent(user, s.at(), zones.of(user), teams, shifts(user, s), groups,
                approvals.waitingFor(user), approvals.pendingOf(user), incidents,
                s.windows().stream().filter(w -> teamNames.contains(w.team())).limit(MAINTENANCE).toList());
    }

    /** Severities rank as configured, most severe first; a group without a known one comes last. */
    private int rank(String severity) {
        List<Severity> all = config.get().severities();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(severity)) {
                return i;
            }
        }
        return all.size();
    }

    /** Their current shift and the next ones, over every schedule (overrides included), soonest first. */
    private List<HomeContent.ScheduledShift> shifts(String user, Snapshot s) {
        List<HomeContent.ScheduledShift> out = new ArrayList<>();
        Instant until = s.at().plus(HORIZON);
        for (Schedule schedule : config.get().schedules().values()) {
            boolean mayHaveShifts = schedule.members().contains(user)
                    || s.overrides().stream().anyMatch(o -> o.schedule().equals(schedule.name()) && o.user().equals(user));
            if (!mayHaveShifts) {
                continue;
            }
            Instant t = s.at();
            int found = 0;
            while (found < SHIFTS && t.isBefore(until)) {
                Optional<Shift> shift = Rotation.at(schedule, s.overrides(), t);
                if (shift.isEmpty() || !shift.get().until().isAfter(t)) {
                    break;
                }
                if (shift.get().user().equals(user)) {
                    out.add(new HomeContent.ScheduledShift(schedule.name(), shift.get()));
                    found++;
                }
                t = shift.get().until();
            }
        }
        out.sort(Comparator.comparing(sh -> sh.shift().from()));
        return out.subList(0, Math.min(SHIFTS, out.size()));
    }
}
