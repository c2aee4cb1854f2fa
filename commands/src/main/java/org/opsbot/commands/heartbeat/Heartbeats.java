package org.opsbot.commands.heartbeat;

import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.alert.OpsbotSource;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.Heartbeat;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.HeartbeatStore;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 */
public final class Heartbeats {
    /** The {@code alertname} of a missed heartbeat. */
    public static final String ALERTNAME = "HeartbeatMissed";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final HeartbeatStore store;
    private final OpsbotConfig config;
    private final Clock clock;

    public Heartbeats(Database db, OpsbotConfig config, Clock clock) {
        this.store = new HeartbeatStore(db);
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
        Optional<Heartbeat> heartbeat = config.heartbeat(name);
        if (heartbeat.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        HeartbeatStore.Row row = store.beat(name, now);
        return Optional.of(row.alerting() ? Optional.of(resolved(heartbeat.get(), now)) : Optional.empty());
    }

    /** Every configured heartbeat, in the file's order, with its last check-in. */
    public List<Status> statuses() {
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Row> rows = store.all();
        List<Status> out = new ArrayList<>();
        for (Heartbeat h : config.heartbeats()) {
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
     * seen for the first time is remembered from now on.
     */
    public List<Change> due() {
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Row> rows = new LinkedHashMap<>(store.all());
        List<Change> out = new ArrayList<>();
        for (Heartbeat h : config.heartbeats()) {
            HeartbeatStore.Row row = rows.get(h.name());
            if (row == null) {
                store.known(h.name(), now);
                continue;
            }
            Instant base = row.lastBeatAt().orElse(row.firstSeenAt());
            boolean overdue = !now.isBefore(base.plus(h.overdueAfter()));
            if (overdue && !row.alerting()) {
                out.add(missed(h, row.lastBeatAt(), base));
            } else if (!overdue && row.alerting()) {
                out.add(resolved(h, now));
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
        return new Change(h, true, OpsbotSource.alert(raisedBy(h), h.team(), ALERTNAME, true, labels(h), title(h), summary));
    }

    private static Change resolved(Heartbeat h, Instant at) {
        return new Change(h, false, OpsbotSource.alert(raisedBy(h), h.team(), ALERTNAME, false, labels(h), title(h),
                h.name() + " checked in again at " + SHOWN.format(at)));
    }

    private static String title(Heartbeat h) {
        return "Heartbeat " + h.name() + " missed";
    }

    private static String raisedBy(Heartbeat h) {
        return "heartbeat:" + h.name();
    }

    private static Map<String, String> labels(Heartbeat h) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("heartbeat", h.name());
        h.severity().ifPresent(s -> labels.put("severity", s));
        return labels;
    }
}
