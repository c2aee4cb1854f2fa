package org.opsbot.commands.stats;

import org.opsbot.commands.config.BusinessHours;
import org.opsbot.commands.config.NotifyTarget;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.model.HandOff;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.model.Page;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.store.StatsStore;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/** Computes a team's {@link TeamStats} from the store: counts in SQL, percentiles over sorted times. */
public final class Stats {
    public static final int NOISIEST = 10;

    private final StatsStore store;
    private final Supplier<OpsbotConfig> config;
    private final Function<Instant, List<OnCallOverride>> overrides;
    private final java.util.function.BiFunction<String, Instant, List<HandOff>> recorded;

    /** @param overrides the overrides ending after an instant, for on-call hours */
    public Stats(StatsStore store, Supplier<OpsbotConfig> config, Function<Instant, List<OnCallOverride>> overrides) {
        this(store, config, overrides, (schedule, until) -> List.of());
    }

    /**
     * @param recorded a schedule's recorded hand-offs that began before an instant, in order: where
     *                 they exist, on-call hours are counted from what happened, not from today's schedule
     */
    public Stats(StatsStore store, Supplier<OpsbotConfig> config, Function<Instant, List<OnCallOverride>> overrides,
                 java.util.function.BiFunction<String, Instant, List<HandOff>> recorded) {
        this.store = store;
        this.config = config;
        this.overrides = overrides;
        this.recorded = recorded;
    }

    /** Stats over {@code db}: its alert groups, pages and incidents, and its overrides for on-call hours. */
    public static Stats over(org.opsbot.commands.store.Database db, Supplier<OpsbotConfig> config, java.time.Clock clock) {
        org.opsbot.commands.store.OverrideStore overrides = new org.opsbot.commands.store.OverrideStore(db, clock);
        org.opsbot.commands.escalation.HandOffs handOffs = new org.opsbot.commands.escalation.HandOffs(db, clock);
        return new Stats(new StatsStore(db), config, overrides::endingAfter, handOffs::recorded);
    }

    public TeamStats of(Optional<String> team, StatsPeriod period) {
        OpsbotConfig cfg = config.get();
        Instant from = period.from();
        Instant until = period.until();
        List<StatsStore.GroupRow> groups = store.groups(team, from, until);
        List<StatsStore.PageRow> pages = store.pages(team, from, until);

        Map<String, Integer> byTier = new LinkedHashMap<>();
        Map<String, Integer> byPerson = new TreeMap<>();
        Integer[] byHour = new Integer[24];
        java.util.Arrays.fill(byHour, 0);
        int sent = 0;
        int notReached = 0;
        int inHours = 0;
        Set<String> pastFirst = new HashSet<>();
        Optional<Team> oneTeam = team.map(cfg.teams()::get);
        BusinessHours hours = businessHours(oneTeam, cfg);
        for (StatsStore.PageRow p : pages) {
            if (p.outcome() != Page.Outcome.SENT) {
                notReached++;
                continue;
            }
            sent++;
            byTier.merge(p.tierName(), 1, Integer::sum);
            if (!p.target().isEmpty()) {
                byPerson.merge(p.target(), 1, Integer::sum);
            }
            byHour[p.at().atZone(period.zone()).getHour()]++;
            if (hours.contains(p.at().atZone(ZoneOffset.UTC))) {
                inHours++;
            }
            if (p.tier() > 0) {
                pastFirst.add(p.subject());
            }
        }

        List<TeamStats.SeverityTimes> severities = severityTimes(groups, severities(oneTeam, cfg));
        List<TeamStats.NoisyAlert> noisy = store.noisiest(team, from, until, NOISIEST).stream()
                .map(n -> new TeamStats.NoisyAlert(n.title(), n.groups(), n.resolvedUnacked(), n.notActionable()))
                .toList();
        List<StatsStore.IncidentRow> incidents = store.incidents(team, from, until);
        List<Duration> incidentDurations = incidents.stream()
                .filter(i -> i.resolved().isPresent())
                .map(i -> Duration.between(i.declared(), i.resolved().get()))
                .sorted().toList();
        boolean[] fromSchedule = {true};
        Map<String, Double> onCall = onCallHours(oneTeam.map(List::of).orElse(List.copyOf(cfg.teams().values())), cfg, from, until,
                fromSchedule);
        return new TeamStats(team, period, groups.size(), sent, notReached, byTier, byPerson, inHours, sent - inHours,
                severities, pastFirst.size(), noisy, new TeamStats.Incidents(incidents.size(), Percentiles.of(incidentDurations)),
                onCall, fromSchedule[0], List.of(byHour), ackByDay(groups, period, severities(oneTeam, cfg)));
    }

    /**
     * The hours that count as "in hours" for a team: its own {@code business-hours:}, else Monday
     * to Friday 09:00–18:00 in the zone of its first schedule (UTC without one).
     */
    /** The zone of the team's first schedule; UTC without one. */
    public static ZoneId zone(Team team, OpsbotConfig config) {
        return firstSchedule(team, config).map(Schedule::timeZone).orElse(ZoneOffset.UTC);
    }

    public static BusinessHours businessHours(Optional<Team> team, OpsbotConfig config) {
        Optional<BusinessHours> own = team.flatMap(Team::businessHours);
        if (own.isPresent()) {
            return own.get();
        }
        ZoneId zone = team.flatMap(t -> firstSchedule(t, config)).map(Schedule::timeZone)
                .or(() -> config.schedules().values().stream().findFirst().map(Schedule::timeZone))
                .orElse(ZoneOffset.UTC);
        return new BusinessHours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(18, 0), zone);
    }

    private static Optional<Schedule> firstSchedule(Team team, OpsbotConfig config) {
        return schedules(team, config).stream().findFirst();
    }

    private static List<Schedule> schedules(Team team, OpsbotConfig config) {
        return team.escalation().tiers().stream()
                .flatMap(t -> t.targets().stream())
                .filter(t -> t.kind() == NotifyTarget.Kind.SCHEDULE)
                .map(t -> config.schedules().get(t.id()))
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
    }

    /** The team's own levels when it has them (OpsbotConfig decides), else the global ones. */
    private static List<Severity> severities(Optional<Team> team, OpsbotConfig config) {
        return team.map(t -> config.severities(t.name())).orElseGet(config::severities);
    }

    private static List<TeamStats.SeverityTimes> severityTimes(List<StatsStore.GroupRow> groups, List<Severity> levels) {
        Map<String, List<StatsStore.GroupRow>> bySeverity = new LinkedHashMap<>();
        levels.forEach(s -> bySeverity.put(s.name(), new ArrayList<>()));
        groups.forEach(g -> bySeverity.computeIfAbsent(g.severity(), k -> new ArrayList<>()).add(g));
        List<TeamStats.SeverityTimes> out = new ArrayList<>();
        bySeverity.forEach((name, rows) -> {
            if (rows.isEmpty()) {
                return;
            }
            Optional<Severity> level = levels.stream().filter(s -> s.name().equals(name)).findFirst();
            List<Duration> acks = rows.stream().filter(g -> g.firstAck().isPresent())
                    .map(g -> positive(Duration.between(g.opened(), g.firstAck().get()))).sorted().toList();
            List<Duration> resolves = rows.stream().filter(g -> g.resolved().isPresent())
                    .map(g -> positive(Duration.between(g.opened(), g.resolved().get()))).sorted().toList();
            Optional<Duration> ackWithin = level.map(Severity::ackWithin);
            Optional<Duration> resolveWithin = level.flatMap(Severity::resolveWithin);
            out.add(new TeamStats.SeverityTimes(name, rows.size(), Percentiles.of(acks), ackWithin, within(acks, ackWithin),
                    Percentiles.of(resolves), resolveWithin, within(resolves, resolveWithin)));
        });
        return out;
    }

    private static List<TeamStats.DayAck> ackByDay(List<StatsStore.GroupRow> groups, StatsPeriod period, List<Severity> levels) {
        Map<LocalDate, List<Duration>> byDay = new TreeMap<>();
        for (LocalDate d = period.first(); !d.isAfter(period.last()); d = d.plusDays(1)) {
            byDay.put(d, new ArrayList<>());
        }
        for (StatsStore.GroupRow g : groups) {
            g.firstAck().ifPresent(at -> byDay.computeIfAbsent(g.opened().atZone(period.zone()).toLocalDate(), k -> new ArrayList<>())
                    .add(positive(Duration.between(g.opened(), at))));
        }
        // The target drawn is the most severe level's: the line the team is held to first.
        Optional<Duration> target = levels.stream().findFirst().map(Severity::ackWithin);
        List<TeamStats.DayAck> out = new ArrayList<>();
        byDay.forEach((day, times) -> out.add(new TeamStats.DayAck(day,
                Percentiles.of(times.stream().sorted().toList()).median(), target)));
        return out;
    }

    /**
     * Hours each person was on call for the teams' schedules in [from, until): from the recorded
     * hand-offs where there are any, before the first of them as today's schedules and the
     * overrides recorded say.
     *
     * @param fromSchedule set to false when recorded hand-offs counted
     */
    private Map<String, Double> onCallHours(List<Team> teams, OpsbotConfig config, Instant from, Instant until,
                                            boolean[] fromSchedule) {
        Map<String, Duration> hours = new TreeMap<>();
        List<OnCallOverride> all = overrides.apply(from);
        teams.stream().flatMap(t -> schedules(t, config).stream()).distinct().forEach(schedule -> {
            List<HandOff> happened = recorded.apply(schedule.name(), until);
            Instant recordsFrom = happened.isEmpty() ? until : happened.getFirst().from();
            // A recorded shift lasts until the next hand-off or its own end, whichever is first (a gap).
            for (int i = 0; i < happened.size(); i++) {
                HandOff h = happened.get(i);
                Instant end = i + 1 < happened.size() && happened.get(i + 1).from().isBefore(h.until())
                        ? happened.get(i + 1).from() : h.until();
                if (add(hours, h.user(), h.from(), end, from, until)) {
                    fromSchedule[0] = false;
                }
            }
            // Shifts are exact (layers, overrides over part of a shift); gaps count for nobody.
            if (recordsFrom.isAfter(from)) {
                for (Shift shift : Rotation.shifts(schedule, all, from, recordsFrom)) {
                    add(hours, shift.user(), shift.from(), shift.until(), from, recordsFrom);
                }
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        hours.entrySet().stream()
                .sorted(Map.Entry.<String, Duration>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> out.put(e.getKey(), e.getValue().toMinutes() / 60.0));
        return out;
    }

    /** Adds the part of [start, stop) within [from, until); whether there was one. */
    private static boolean add(Map<String, Duration> hours, String user, Instant start, Instant stop, Instant from, Instant until) {
        Instant a = start.isBefore(from) ? from : start;
        Instant b = stop.isAfter(until) ? until : stop;
        if (b.isAfter(a)) {
            hours.merge(user, Duration.between(a, b), Duration::plus);
            return true;
        }
        return false;
    }

    private static int within(List<Duration> times, Optional<Duration> target) {
        return target.map(t -> (int) times.stream().filter(d -> d.compareTo(t) <= 0).count()).orElse(0);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
