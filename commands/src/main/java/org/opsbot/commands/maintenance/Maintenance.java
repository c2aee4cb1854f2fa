package org.opsbot.commands.maintenance;

import org.opsbot.commands.approval.ActionResult;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.MaintenanceConfig;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.MaintenanceWindow;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.MaintenanceStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Maintenance windows: which hold a team's alerts now, starting, ending and skipping them, and
 * the start and end work the bot does once for each. Everything lives in the database: an
 * occurrence of a recurring window is stored (once, by its name and start) as soon as anyone
 * asks about the time it covers, so a restart or a second replica sees the same windows, and
 * ending or skipping one is a change of that row.
 *
 * <p>The recurring windows are those of the configuration in force at each call, so a reload
 * adds, changes and removes them at once. An occurrence already running keeps the start, end and
 * labels it began with; one whose window was removed is ended ({@link #endRemoved}).
 */
public final class Maintenance {
    /** Who ends an occurrence whose recurring window the configuration no longer has. */
    public static final String REMOVED = "opsbot:removed-from-configuration";
    /** Ad hoc windows last at least a minute and at most this long. */
    public static final Duration LONGEST = Duration.ofDays(7);

    private final MaintenanceStore store;
    private final Supplier<MaintenanceConfig> config;
    private final AuditLog audit;
    private final Clock clock;

    public Maintenance(Database db, MaintenanceConfig config, AuditLog audit, Clock clock) {
        this(db, () -> config, audit, clock);
    }

    /** @param config the maintenance section in force, read once per call (of {@code LiveConfig}) */
    public Maintenance(Database db, Supplier<MaintenanceConfig> config, AuditLog audit, Clock clock) {
        this.store = new MaintenanceStore(db);
        this.config = config;
        this.audit = audit;
        this.clock = clock;
    }

    /** The maintenance section in force now. */
    public MaintenanceConfig config() {
        return config.get();
    }

    /** Why a request was refused, said to the person who asked. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Windows running now (recurring occurrences are stored on the way), by start. */
    public List<MaintenanceWindow> active() {
        Instant now = clock.instant();
        storeRunningOccurrences(now);
        return store.endingAfter(now).stream().filter(w -> w.activeAt(now)).toList();
    }

    /**
     * The window that holds an alert of {@code team} now, if any: one of the team's whose labels
     * every alert of the group carries (the longest-running one when several do).
     *
     * @param alertLabels the labels of each alert of the group (its group labels when it has none)
     */
    public Optional<MaintenanceWindow> holding(String team, List<Map<String, String>> alertLabels) {
        return active().stream().filter(w -> matches(w, team, alertLabels))
                .max(Comparator.comparing(MaintenanceWindow::endsAt));
    }

    /** Whether window {@code w} covers alerts of {@code team} with these labels. */
    public static boolean matches(MaintenanceWindow w, String team, List<Map<String, String>> alertLabels) {
        if (!w.team().equals(team)) {
            return false;
        }
        if (w.labels().isEmpty()) {
            return true;
        }
        return !alertLabels.isEmpty() && alertLabels.stream().allMatch(labels -> w.labels().entrySet().stream()
                .allMatch(m -> m.getValue().contains(labels.get(m.getKey()))));
    }

    /** Whether {@code team} is inside one of its recurring windows at {@code at} (ad hoc maintenance there needs no approval). */
    public boolean insideRecurring(String team, Instant at) {
        return config().windows().stream().filter(w -> w.team().equals(team))
                .anyMatch(w -> MaintenanceCalendar.runningAt(w, at).isPresent());
    }

    /** Starts ad hoc maintenance of {@code team} from {@code from} until {@code until}. */
    public MaintenanceWindow start(String team, Instant from, Instant until, String reason, String by) throws Refused {
        Instant now = clock.instant();
        Instant start = startable(team, from, until);
        MaintenanceWindow w = store.insertOnce(team, Optional.empty(), Map.of(), start, until, reason, by, false, now);
        audit.append(by, "maintenance.start", "maintenance:" + w.id(), Map.of("team", team, "from", start.toString(),
                "until", until.toString(), "reason", reason));
        return w;
    }

    /**
     * Whether ad hoc maintenance of {@code team} starting at {@code from} needs four eyes: the
     * team has {@code maintenance-approval} and {@code from} is outside its recurring windows.
     */
    public Optional<MaintenanceConfig.Approval> approvalNeeded(String team, Instant from) {
        return config().approval(team).filter(a -> !insideRecurring(team, from));
    }

    /**
     * The approval request for ad hoc maintenance that {@link #approvalNeeded needs one}: refused
     * now when the window could not start, approved by {@code count} members of the role within
     * {@code within}; {@link #startApproved} starts it.
     */
    public Approvals.Other approvalRequest(String team, Instant from, Instant until, String reason) throws Refused {
        MaintenanceConfig.Approval approval = approvalNeeded(team, from).orElseThrow(
                () -> new IllegalArgumentException("maintenance of " + team + " then needs no approval"));
        startable(team, from, until);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("team", team);
        params.put("from", from.toString());
        params.put("until", until.toString());
        params.put("reason", reason);
        return new Approvals.Other(ActionRequest.MAINTENANCE, team, "Maintenance of " + team,
                params, "maintenance of " + team + " from " + from + " until " + until + " (nobody is paged): " + reason,
                approval.role(), approval.count(), approval.within());
    }

    /** What an approved maintenance request does: starts its window, in the requester's name. */
    public ActionResult startApproved(ActionRequest approved) {
        Map<String, String> p = approved.params();
        try {
            MaintenanceWindow w = start(p.get("team"), Instant.parse(p.get("from")), Instant.parse(p.get("until")),
                    p.get("reason"), approved.requester());
            return new ActionResult(true, "maintenance #" + w.id() + " of " + w.team() + " from " + w.startsAt()
                    + " until " + w.endsAt(), "");
        } catch (Refused refused) {
            return new ActionResult(false, "not started: " + refused.getMessage(), "");
        }
    }

    // The start of a window that may begin: refused when it is too short, too long or overlaps another.
    private Instant startable(String team, Instant from, Instant until) throws Refused {
        Instant now = clock.instant();
        if (!until.isAfter(from)) {
            throw new Refused("The window would end before it starts.");
        }
        if (until.isBefore(now.plus(Duration.ofMinutes(1)))) {
            throw new Refused("The window would be over within a minute.");
        }
        if (Duration.between(from, until).compareTo(LONGEST) > 0) {
            throw new Refused("A maintenance window lasts at most 7 days.");
        }
        Instant start = from.isBefore(now) ? now : from;
        for (MaintenanceWindow w : store.endingAfter(start)) {
            if (w.windowName().isEmpty() && w.team().equals(team) && !w.skipped() && w.startsAt().isBefore(until)) {
                throw new Refused("Team " + team + " already has ad hoc maintenance (#" + w.id() + ") from "
                        + w.startsAt() + " until " + w.endsAt() + "; end it first with `/ops maintenance end " + team + "`.");
            }
        }
        return start;
    }

    /**
     * Ends the running windows of {@code team} (of the only team in maintenance, when none is
     * named) now.
     */
    public List<MaintenanceWindow> end(Optional<String> team, String by) throws Refused {
        Instant now = clock.instant();
        List<MaintenanceWindow> running = active();
        List<String> teams = running.stream().map(MaintenanceWindow::team).distinct().toList();
        if (running.isEmpty()) {
            throw new Refused("No maintenance window is running.");
        }
        String which;
        if (team.isPresent()) {
            which = team.get();
            if (!teams.contains(which)) {
                throw new Refused("Team " + which + " is not in maintenance; running now: " + String.join(", ", teams) + ".");
            }
        } else if (teams.size() == 1) {
            which = teams.getFirst();
        } else {
            throw new Refused("Several teams are in maintenance (" + String.join(", ", teams)
                    + "); name one: `/ops maintenance end " + teams.getFirst() + "`.");
        }
        List<MaintenanceWindow> ended = new ArrayList<>();
        for (MaintenanceWindow w : running) {
            if (w.team().equals(which) && store.end(w.id(), now, by)) {
                audit.append(by, "maintenance.end", "maintenance:" + w.id(), Map.of("team", which, "window", w.title()));
                ended.add(store.find(w.id()).orElseThrow());
            }
        }
        return ended;
    }

    /**
     * Skips one occurrence of recurring window {@code name}: the one on {@code date} (in the
     * window's time zone), or the next one.
     *
     * @return the start of the skipped occurrence
     */
    public Instant skip(String name, Optional<LocalDate> date, String by) throws Refused {
        MaintenanceConfig inForce = config();
        MaintenanceConfig.Window window = inForce.window(name).orElseThrow(() -> new Refused(
                "There is no recurring window " + name + "." + (inForce.windows().isEmpty() ? " None is configured."
                        : " Windows: " + String.join(", ", inForce.windows().stream().map(MaintenanceConfig.Window::name).toList()) + ".")));
        Instant now = clock.instant();
        Instant start;
        if (date.isPresent()) {
            List<Instant> starts = MaintenanceCalendar.startsOn(window, date.get());
            if (starts.isEmpty()) {
                throw new Refused("Window " + name + " has no occurrence on " + date.get() + " (" + window.cron() + " in "
                        + window.timeZone().getId() + ")" + MaintenanceCalendar.nextStart(window, now)
                        .map(n -> "; the next starts " + n.atZone(window.timeZone()).toLocalDate()).orElse("") + ".");
            }
            start = starts.getFirst();
        } else {
            start = MaintenanceCalendar.nextStart(window, now)
                    .orElseThrow(() -> new Refused("Window " + name + " has no next occurrence."));
        }
        if (!start.plus(window.duration()).isAfter(now)) {
            throw new Refused("That occurrence of " + name + " is already over.");
        }
        MaintenanceWindow w = store.insertOnce(window.team(), Optional.of(name), window.labels(), start,
                start.plus(window.duration()), "skipped", by, true, now);
        if (!w.skipped()) {
            throw new Refused("That occurrence of " + name + " has already started; end it with `/ops maintenance end "
                    + window.team() + "`.");
        }
        audit.append(by, "maintenance.skip", "maintenance:" + w.id(), Map.of("window", name, "starts", start.toString()));
        return start;
    }

    /** What {@code /ops maintenance} lists. */
    public record Overview(List<MaintenanceWindow> running, List<Upcoming> upcoming) {
    }

    /** A window that has not started yet: an ad hoc one, or a recurring one's next occurrence. */
    public record Upcoming(String title, String team, Instant from, Instant until, String reason) {
    }

    public Overview overview() {
        Instant now = clock.instant();
        List<MaintenanceWindow> stored = store.endingAfter(now);
        List<MaintenanceWindow> running = active();
        List<Upcoming> upcoming = new ArrayList<>();
        stored.stream().filter(w -> !w.skipped() && w.startsAt().isAfter(now) && w.windowName().isEmpty())
                .forEach(w -> upcoming.add(new Upcoming(w.title(), w.team(), w.startsAt(), w.endsAt(), w.reason())));
        for (MaintenanceConfig.Window window : config().windows()) {
            Optional<Instant> next = MaintenanceCalendar.nextStart(window, now);
            // A skipped occurrence is not the next one; a few skips in a row are looked past.
            for (int i = 0; i < 10 && next.isPresent(); i++) {
                Instant at = next.get();
                if (store.occurrence(window.name(), at).filter(MaintenanceWindow::skipped).isEmpty()) {
                    upcoming.add(new Upcoming(window.name(), window.team(), at, at.plus(window.duration()),
                            "every " + window.cron() + " (" + window.timeZone().getId() + ")"));
                    break;
                }
                next = MaintenanceCalendar.nextStart(window, at);
            }
        }
        upcoming.sort(Comparator.comparing(Upcoming::from));
        return new Overview(running, upcoming);
    }

    /** Windows that have started and whose start work (the announcement, a silence) this caller claimed. */
    public List<MaintenanceWindow> claimStarts(String holder) {
        Instant now = clock.instant();
        storeRunningOccurrences(now);
        return store.unclaimedStarts(now).stream().filter(w -> store.claim(w.id(), "start", holder)).toList();
    }

    /**
     * Windows that are over and whose end work (the announcement, escalations, the runbook) is
     * not done yet. The work is idempotent and marked done afterwards ({@link #finished}), so a
     * holder that dies half-way leaves it to the next: a held alert is never left held.
     */
    public List<MaintenanceWindow> unfinishedEnds() {
        return store.unclaimedEnds(clock.instant());
    }

    /**
     * Ends, now, the running occurrences of recurring windows the configuration no longer has
     * (a reload removed them), so their team's alerts page again; their end work follows as for
     * any ended window ({@link #unfinishedEnds}).
     */
    public List<MaintenanceWindow> endRemoved() {
        Instant now = clock.instant();
        MaintenanceConfig inForce = config();
        List<MaintenanceWindow> ended = new ArrayList<>();
        for (MaintenanceWindow w : store.endingAfter(now)) {
            if (w.activeAt(now) && w.windowName().filter(n -> inForce.window(n).isEmpty()).isPresent()
                    && store.end(w.id(), now, REMOVED)) {
                audit.append("opsbot", "maintenance.end", "maintenance:" + w.id(),
                        Map.of("team", w.team(), "window", w.title(), "why", "removed from the configuration"));
                ended.add(store.find(w.id()).orElseThrow());
            }
        }
        return ended;
    }

    /** Marks a window's end work done; false when another replica marked it first. */
    public boolean finished(MaintenanceWindow w, String holder) {
        return store.claim(w.id(), "end", holder);
    }

    public void silenced(MaintenanceWindow w, String silenceId) {
        store.silenced(w.id(), silenceId);
    }

    /** The recurring window a stored occurrence belongs to. */
    public Optional<MaintenanceConfig.Window> recurring(MaintenanceWindow w) {
        return w.windowName().flatMap(config()::window);
    }

    /** Stores each recurring occurrence running at {@code now} that is not stored yet (once, whoever is first). */
    private void storeRunningOccurrences(Instant now) {
        MaintenanceConfig inForce = config();
        Map<String, Instant> running = new LinkedHashMap<>();
        for (MaintenanceConfig.Window window : inForce.windows()) {
            MaintenanceCalendar.runningAt(window, now).ifPresent(start -> running.put(window.name(), start));
        }
        for (var e : running.entrySet()) {
            if (store.occurrence(e.getKey(), e.getValue()).isEmpty()) {
                MaintenanceConfig.Window window = inForce.window(e.getKey()).orElseThrow();
                store.insertOnce(window.team(), Optional.of(window.name()), window.labels(), e.getValue(),
                        e.getValue().plus(window.duration()), "recurring window " + window.name(), "opsbot", false, now);
            }
        }
    }
}
