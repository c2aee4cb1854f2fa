package org.opsbot.commands.heartbeat;

import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.alert.OpsbotSource;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.Heartbeat;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.HeartbeatStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Dead-man's switches: check-ins of the heartbeats in opsbot.yaml, and which of them are
 * overdue (no check-in for {@code every + grace}, counted from opsbot first knowing the heartbeat
 * when it never checked in). A missed heartbeat is an alert of {@link OpsbotSource} for its team,
 * resolved by the next check-in.
 *
 * <p>What the alert intake was last told is kept per heartbeat ({@code alerting}); a caller sends
 * a {@link Change} to the intake first and then records it with {@link #told}. A replica killed in
 * between leaves a difference that the next {@link #due} round sends again, which the intake takes
 * as a repeat: the alert opens and resolves once.
 *
 * <p>The heartbeats are those of the configuration in force at each call, so a reload adds,
 * changes and removes them at once: a new one counts from the first round that sees it, a changed
 * {@code every} or {@code grace} applies to the last check-in, and a removed one is no longer
 * watched (its missed alert resolves, and its check-ins are forgotten). An alert raised for a
 * team the heartbeat no longer belongs to resolves there and opens for the new team if it is
 * still missed.
 */
public final class Heartbeats {
    /** The {@code alertname} of a missed heartbeat. */
    public static final String ALERTNAME = "HeartbeatMissed";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final HeartbeatStore store;
    private final Alerts alerts;
    private final Supplier<OpsbotConfig> config;
    private final Clock clock;

    public Heartbeats(Database db, OpsbotConfig config, Clock clock) {
        this(db, () -> config, clock);
    }

    /** @param config the configuration in force, read once per call ({@code LiveConfig}) */
    public Heartbeats(Database db, Supplier<OpsbotConfig> config, Clock clock) {
        this.store = new HeartbeatStore(db);
        this.alerts = new Alerts(db, config, clock);
        this.config = config;
        this.clock = clock;
    }

    /** A heartbeat as {@code /ops heartbeats} shows it. */
    public record Status(Heartbeat heartbeat, Optional<Instant> lastBeat, Instant dueBy, boolean overdue) {
    }

    /** What the alert intake must be told about one heartbeat: its alert fires or resolves. */
    public record Change(Heartbeat heartbeat, boolean alerting, Notification notification) {
    }

    /**
     * Records a check-in of {@code name} now.
     *
     * @return empty when no heartbeat has that name; otherwise the resolution to send when its
     *         missed alert was firing (empty when there is nothing to resolve)
     */
    public Optional<Optional<Change>> beat(String name) {
        Optional<Heartbeat> heartbeat = config.get().heartbeat(name);
        if (heartbeat.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        HeartbeatStore.Row row = store.beat(name, now);
        return Optional.of(row.alerting() ? Optional.of(resolved(heartbeat.get(), Optional.of(now))) : Optional.empty());
    }

    /** Every configured heartbeat, in the file's order, with its last check-in. */
    public List<Status> statuses() {
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Row> rows = store.all();
        List<Status> out = new ArrayList<>();
        for (Heartbeat h : config.get().heartbeats()) {
            HeartbeatStore.Row row = rows.get(h.name());
            Optional<Instant> last = row == null ? Optional.empty() : row.lastBeatAt();
            Instant base = last.or(() -> Optional.ofNullable(row).map(HeartbeatStore.Row::firstSeenAt)).orElse(now);
            Instant dueBy = base.plus(h.overdueAfter());
            out.add(new Status(h, last, dueBy, !now.isBefore(dueBy)));
        }
        return out;
    }

    /**
     * The alerts to fire or resolve now: a heartbeat overdue whose alert is not firing, or one
     * that checked in whose alert still fires (its check-in's resolution was cut off). A heartbeat
     * seen for the first time is remembered from now on; one no longer configured is forgotten,
     * after its alert, if it fires, is resolved.
     */
    public List<Change> due() {
        OpsbotConfig inForce = config.get();
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Row> rows = new LinkedHashMap<>(store.all());
        // Whose open alert each heartbeat's is: asked only while one is firing.
        Map<String, String> raisedFor = rows.values().stream().anyMatch(HeartbeatStore.Row::alerting)
                ? alerts.openRaisedBy() : Map.of();
        List<Change> out = new ArrayList<>();
        for (Heartbeat h : inForce.heartbeats()) {
            HeartbeatStore.Row row = rows.remove(h.name());
            if (row == null) {
                store.known(h.name(), now);
                continue;
            }
            Optional<String> raisedTeam = row.alerting() ? Optional.ofNullable(raisedFor.get(raisedBy(h.name()))) : Optional.empty();
            if (raisedTeam.filter(t -> !t.equals(h.team())).isPresent()) {
                out.add(ended(h.name(), raisedTeam.get(), h.name() + " now belongs to team " + h.team()
                        + "; a missed check-in is raised there"));
                continue;
            }
            Instant base = row.lastBeatAt().orElse(row.firstSeenAt());
            boolean overdue = !now.isBefore(base.plus(h.overdueAfter()));
            if (overdue && !row.alerting()) {
                out.add(missed(h, row.lastBeatAt(), base));
            } else if (!overdue && row.alerting()) {
                out.add(resolved(h, row.lastBeatAt()));
            }
        }
        for (HeartbeatStore.Row gone : rows.values()) {
            Optional<String> team = gone.alerting() ? Optional.ofNullable(raisedFor.get(raisedBy(gone.name())))
                    : Optional.empty();
            if (team.isPresent()) {
                out.add(ended(gone.name(), team.get(), gone.name() + " was removed from the configuration"
                        + " and is no longer watched"));
            } else {
                // Nothing fires (or a person resolved it): the row alone is left.
                store.alerting(gone.name(), false);
                store.forget(gone.name());
            }
        }
        return out;
    }

    /** Records that {@code change} reached the intake; false when another caller recorded it first. */
    public boolean told(Change change) {
        return store.alerting(change.heartbeat().name(), change.alerting());
    }

    private static Change missed(Heartbeat h, Optional<Instant> lastBeat, Instant base) {
        String summary = lastBeat.map(t -> h.name() + " has not checked in since " + SHOWN.format(t))
                .orElseGet(() -> h.name() + " has never checked in (expected since " + SHOWN.format(base.plus(h.every())) + ")")
                + "; it is expected every " + Durations.format(h.every())
                + (h.grace().isZero() ? "" : " (+" + Durations.format(h.grace()) + " grace)");
        return new Change(h, true, OpsbotSource.alert(raisedBy(h.name()), h.team(), ALERTNAME, true, labels(h), title(h), summary));
    }

    /** @param lastBeat the check-in that ends it; none when a reload made the heartbeat wait longer */
    private static Change resolved(Heartbeat h, Optional<Instant> lastBeat) {
        return new Change(h, false, OpsbotSource.alert(raisedBy(h.name()), h.team(), ALERTNAME, false, labels(h), title(h),
                lastBeat.map(at -> h.name() + " checked in at " + SHOWN.format(at))
                        .orElseGet(() -> h.name() + " is not overdue under its new settings")
                        + "; it is expected every " + Durations.format(h.every())
                        + (h.grace().isZero() ? "" : " (+" + Durations.format(h.grace()) + " grace)")));
    }

    /** The resolution of {@code name}'s alert raised for {@code team}, which the configuration no longer asks for. */
    private static Change ended(String name, String team, String why) {
        Heartbeat as = new Heartbeat(name, team, Duration.ZERO, Duration.ZERO, Optional.empty());
        return new Change(as, false, OpsbotSource.alert(raisedBy(name), team, ALERTNAME, false, labels(as), title(as), why));
    }

    private static String title(Heartbeat h) {
        return "Heartbeat " + h.name() + " missed";
    }

    private static String raisedBy(String heartbeat) {
        return "heartbeat:" + heartbeat;
    }

    private static Map<String, String> labels(Heartbeat h) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("heartbeat", h.name());
        h.severity().ifPresent(s -> labels.put("severity", s));
        return labels;
    }
}
