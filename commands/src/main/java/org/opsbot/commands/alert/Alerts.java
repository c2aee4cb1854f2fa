package org.opsbot.commands.alert;

import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.StoredAlertGroup.State;
import org.opsbot.commands.model.Subject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Alert groups and their life: firing → acknowledged → resolved, snoozed and silenced on the
 * side, by the rules of {@link GroupStates}. Every change happens in one transaction with the
 * group locked, so re-sends, HA duplicates and two people clicking at once are applied one after
 * the other; what to tell Slack is returned as a {@link GroupChange} for the caller to send after
 * the commit.
 */
public final class Alerts {
    // The status of one stored alert (a group's own state is a StoredAlertGroup.State).
    private static final String ALERT_FIRING = "FIRING";
    private static final String ALERT_RESOLVED = "RESOLVED";

    private final AlertStore store;
    private final AuditLog audit;
    private final Supplier<OpsbotConfig> config;
    private final Grouping grouping;
    private final Clock clock;

    public Alerts(Database db, OpsbotConfig config, Clock clock) {
        this(db, () -> config, clock);
    }

    /** @param config read at each decision: the configuration in force ({@link org.opsbot.commands.config.LiveConfig}) */
    public Alerts(Database db, Supplier<OpsbotConfig> config, Clock clock) {
        this.store = new AlertStore(db);
        this.audit = new AuditLog(db, clock);
        this.config = config;
        this.grouping = new Grouping(config);
        this.clock = clock;
    }

    /**
     * What a webhook did: the groups it changed, how many alerts were stored or repeated, and the
     * ones skipped (the parser checked every field before this transaction).
     */
    public record Intake(List<GroupChange> changes, int alerts, int repeats, List<Rejection> rejected) {
    }

    /** Stores a notification in one transaction and answers what changed. */
    public Intake receive(Notification notification) {
        List<Grouping.Batch> batches = grouping.batches(notification);
        long now = clock.millis();
        int[] repeats = {0};
        List<GroupChange> changes = store.write(tx -> {
            List<GroupChange> out = new ArrayList<>();
            for (Grouping.Batch batch : batches) {
                GroupChange change = apply(tx, notification, batch, now, repeats);
                if (change != null) {
                    out.add(change);
                }
            }
            return out;
        });
        int total = batches.stream().mapToInt(b -> b.alerts().size()).sum();
        return new Intake(changes, total, repeats[0], notification.rejected());
    }

    private GroupChange apply(AlertStore.Tx tx, Notification n, Grouping.Batch batch, long now, int[] repeats) {
        StoredAlertGroup template = StoredAlertGroup.opening(new StoredAlertGroup.Route(batch.key(),
                        n.source().storedName(), batch.team(), batch.channel(), batch.groupLabels(),
                        n.externalUrl().orElse(null)), batch.title(), GroupStates.opened(), now);
        AlertStore.Locked locked = tx.openGroup(template);
        StoredAlertGroup group = locked.group();
        Map<String, StoredAlert> known = new LinkedHashMap<>();
        tx.alerts(group.id()).forEach(a -> known.put(a.fingerprint(), a));

        List<StoredAlert> inserts = new ArrayList<>();
        List<StoredAlert> updates = new ArrayList<>();
        List<StoredAlert> started = new ArrayList<>();     // new fingerprints, or a new episode of a known one
        List<StoredAlert> resolved = new ArrayList<>();
        boolean refreshed = false;
        boolean sameEpisodeFiring = false;
        for (IncomingAlert in : batch.alerts()) {
            StoredAlert was = known.get(in.fingerprint());
            if (was == null) {
                long startsAt = in.startsAt().map(Instant::toEpochMilli).orElse(now);
                StoredAlert fresh = new StoredAlert(group.id(), in.fingerprint(), in.firing() ? ALERT_FIRING : ALERT_RESOLVED,
                        startsAt, in.firing() ? null : in.endsAt().map(Instant::toEpochMilli).orElse(now),
                        in.labels(), in.annotations(), in.annotations(), in.generatorUrl().orElse(null), now, now);
                inserts.add(fresh);
                known.put(fresh.fingerprint(), fresh);
                if (fresh.firing()) {
                    started.add(fresh);
                } else {
                    refreshed = true;
                }
                continue;
            }
            long startsAt = in.startsAt().map(Instant::toEpochMilli)
                    .orElse(in.firing() && !was.firing() ? now : was.startsAt());
            if (startsAt < was.startsAt()) {
                repeats[0]++; // an older episode delivered late
                continue;
            }
            boolean newEpisode = startsAt > was.startsAt();
            StoredAlert next;
            if (in.firing()) {
                if (!was.firing() && !newEpisode) {
                    repeats[0]++; // the firing notification of an episode that already resolved
                    continue;
                }
                next = new StoredAlert(group.id(), was.fingerprint(), ALERT_FIRING, startsAt, null, in.labels(),
                        in.annotations(), in.annotations(), in.generatorUrl().orElse(was.generatorUrl()),
                        was.receivedAt(), now);
                if (newEpisode || !was.firing()) {
                    started.add(next);
                } else {
                    sameEpisodeFiring = true;
                    if (next.annotations().equals(was.annotations()) && next.labels().equals(was.labels())) {
                        repeats[0]++;
                        continue;
                    }
                    refreshed = true;
                }
            } else {
                long endsAt = in.endsAt().map(Instant::toEpochMilli).orElse(now);
                if (!was.firing()) {
                    repeats[0]++; // resolved already; its annotations no longer show
                    continue;
                }
                // The values it fired with stay: a resolve re-renders {{ $value }} with the last sample.
                next = new StoredAlert(group.id(), was.fingerprint(), ALERT_RESOLVED, startsAt, endsAt, in.labels(),
                        in.annotations(), was.firedAnnotations(), in.generatorUrl().orElse(was.generatorUrl()),
                        was.receivedAt(), now);
                resolved.add(next);
            }
            updates.add(next);
            known.put(next.fingerprint(), next);
        }

        tx.insert(inserts);
        tx.update(updates);

        List<AlertNote> notes = new ArrayList<>();
        StoredAlertGroup.Builder after = group.with().updatedAt(now).truncatedAlerts(n.truncated());
        boolean anyFiring = known.values().stream().anyMatch(StoredAlert::firing);
        if (locked.created()) {
            if (!anyFiring) {
                after.lifecycle(GroupStates.resolvedAtSource(group.lifecycle(), now));
            }
        } else if (group.state() == State.RESOLVED) {
            Optional<StoredAlertGroup.Lifecycle> stillFiring = GroupStates.stillFiringAtSource(group.lifecycle());
            if (!started.isEmpty()) {
                after.lifecycle(GroupStates.reopened());
                notes.add(new AlertNote.Reopened(started));
            } else if (sameEpisodeFiring && stillFiring.isPresent()) {
                after.lifecycle(stillFiring.get());
                notes.add(new AlertNote.StillFiringAtSource(group.lifecycle().resolvedBy()));
            }
            if (!resolved.isEmpty()) {
                notes.add(new AlertNote.AlertsResolved(resolved));
            }
        } else {
            if (!started.isEmpty()) {
                Optional<String> acker = group.state() == State.ACKNOWLEDGED
                        ? Optional.ofNullable(group.lifecycle().ackedBy()) : Optional.empty();
                acker.ifPresent(u -> tx.notified(group.id(), u, now));
                notes.add(new AlertNote.NewAlerts(started, acker));
            }
            if (!resolved.isEmpty()) {
                notes.add(new AlertNote.AlertsResolved(resolved));
            }
            if (!anyFiring) {
                after.lifecycle(GroupStates.resolvedAtSource(group.lifecycle(), now));
                notes.add(new AlertNote.ResolvedAtSource());
            }
        }
        List<Map<String, String>> firingLabels = known.values().stream().filter(StoredAlert::firing).map(StoredAlert::labels).toList();
        after.severity(grouping.mostSevere(group.route().team(), firingLabels.isEmpty()
                        ? known.values().stream().map(StoredAlert::labels).toList() : firingLabels)
                .map(Severity::name).orElse(group.severity()));
        StoredAlertGroup saved = after.build();
        boolean changed = locked.created() || refreshed || n.truncated() != group.truncatedAlerts() || !notes.isEmpty() || !started.isEmpty() || !resolved.isEmpty();
        if (!changed && saved.equals(group.with().updatedAt(now).build())) {
            if (group.messageId() == null) {
                // Nothing new, but the group's message was never handed to the outbox: the
                // request that opened it was cut off between its commit and its post (kill -9),
                // so it got no answer and this is its re-send. Without a change nobody would
                // ever post it; the publisher posts it unless the opener is just about to.
                return new GroupChange(group, false, false, List.of());
            }
            return null;
        }
        tx.save(saved);
        return new GroupChange(saved, locked.created(), changed, notes);
    }

    // ---------------------------------------------------------------------------------------
    // Acting on a group

    public ActionResult acknowledge(long id, String user) {
        return act(id, user, "alert.ack", (g, now) -> GroupStates.acknowledge(g, user, now));
    }

    public ActionResult unacknowledge(long id, String user) {
        return act(id, user, "alert.unack", (g, now) -> GroupStates.unacknowledge(g, user, now));
    }

    public ActionResult resolve(long id, String user) {
        return act(id, user, "alert.resolve", (g, now) -> GroupStates.resolve(g, user, now));
    }

    public ActionResult snooze(long id, String user, Duration duration) {
        Instant until = clock.instant().plus(duration);
        return act(id, user, "alert.snooze", (g, now) -> GroupStates.snooze(g, user, until, now));
    }

    /** Records a silence created at the source (the caller made the API call, after {@link #maySilence}). */
    public ActionResult silenced(long id, String user, Instant until, String silenceId) {
        return act(id, user, "alert.silence", (g, now) -> GroupStates.silenced(g, user, until, silenceId, now));
    }

    /** The silence was expired by hand (the caller removed it at the source). */
    public ActionResult silenceRemoved(long id, String user) {
        return act(id, user, "alert.unsilence", (g, now) -> GroupStates.silenceRemoved(g, user, now));
    }

    /** A note in the group's history from someone, e.g. a stub action. */
    public ActionResult note(long id, String user, String action, String text) {
        return act(id, user, action, (g, now) -> new GroupStates.Moved(g.with().updatedAt(now).build(),
                List.of(new AlertNote.Note(user, text))));
    }

    /** Remembers that the bot paged these people about the group: they may act on it from now on. */
    public void recordNotified(long id, java.util.Collection<String> users) {
        if (users.isEmpty()) {
            return;
        }
        long now = clock.millis();
        store.write(tx -> {
            users.forEach(u -> tx.notified(id, u, now));
            return null;
        });
    }

    /** Ends the snoozes and silences that ran out by now; each group once, even with several replicas. */
    public List<GroupChange> endExpiredMutes() {
        long now = clock.millis();
        List<GroupChange> out = new ArrayList<>();
        for (long id : store.mutesEndedBy(now)) {
            GroupChange change = store.write(tx -> {
                StoredAlertGroup g = tx.lock(id).orElse(null);
                if (g == null) {
                    return null;
                }
                Optional<GroupStates.Moved> ended = GroupStates.mutesEnded(g, now);
                if (ended.isEmpty()) {
                    return null;
                }
                StoredAlertGroup saved = ended.get().group();
                tx.save(saved);
                return new GroupChange(saved, false, true, ended.get().notes());
            });
            if (change != null) {
                out.add(change);
            }
        }
        return out;
    }

    /** The move decided on the group as this transaction locked it, at {@code now}. */
    private interface Decide {
        GroupStates.Move on(StoredAlertGroup group, long now);
    }

    private ActionResult act(long id, String user, String action, Decide decide) {
        long now = clock.millis();
        ActionResult result = store.write(tx -> {
            Optional<StoredAlertGroup> locked = tx.lock(id);
            if (locked.isEmpty()) {
                return new ActionResult.NotFound(id);
            }
            StoredAlertGroup g = locked.get();
            return switch (decide.on(g, now)) {
                case GroupStates.Refused refused -> new ActionResult.Unchanged(g, refused.why());
                case GroupStates.Moved moved -> {
                    tx.save(moved.group());
                    yield new ActionResult.Done(new GroupChange(moved.group(), false, true, moved.notes()));
                }
            };
        });
        if (result instanceof ActionResult.Done done) {
            audit.append(user, action, Subject.alertGroup(id).toString(), auditDetails(done.change()));
        }
        return result;
    }

    private static Map<String, Object> auditDetails(GroupChange change) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("title", change.group().title());
        details.put("team", change.group().route().team());
        details.put("state", change.group().state().name());
        change.notes().forEach(n -> details.put("note", n.getClass().getSimpleName()));
        // What a person's note said (e.g. which runbook they ran), for the group's history.
        change.notes().stream().filter(n -> n instanceof AlertNote.Note).map(n -> ((AlertNote.Note) n).text())
                .forEach(text -> details.put("text", text));
        return details;
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    public Optional<StoredAlertGroup> group(long id) {
        return store.group(id);
    }

    public List<StoredAlert> alerts(long groupId) {
        return store.alerts(groupId);
    }

    public List<StoredAlertGroup> open(Optional<String> team, int limit) {
        return store.open(team, limit);
    }

    /**
     * The team of each group opsbot raised itself that is not resolved yet, by what raised it
     * ({@code heartbeat:cdc-backup}): whom a resolution must reach after the configuration moved
     * or dropped what raised it.
     */
    public Map<String, String> openRaisedBy() {
        Map<String, String> out = new LinkedHashMap<>();
        for (StoredAlertGroup g : store.openFrom(OpsbotSource.INSTANCE.storedName())) {
            String by = g.route().groupLabels().get(OpsbotSource.RAISED_BY);
            if (by != null) {
                out.put(by, g.route().team());
            }
        }
        return out;
    }

    /**
     * Firing groups older than {@code grace} that have no parent message or no escalation walk
     * yet, oldest first: what a crash between an intake's commit and its publishing left behind.
     */
    public List<StoredAlertGroup> unfinishedOpenings(Duration grace, int limit) {
        return store.unfinishedOpenings(clock.millis() - grace.toMillis(), Subject.Kind.ALERT_GROUP.prefix(), limit);
    }

    /** Records the group's parent message; false when another flow recorded one first. */
    public boolean attachMessage(long groupId, long outboxId) {
        return store.attachMessage(groupId, outboxId);
    }

    public Optional<Severity> severity(StoredAlertGroup g) {
        return g.severity() == null ? Optional.empty() : config.get().severity(g.route().team(), g.severity());
    }

    /** One alert's own severity: its {@code severity} label as its group's team maps it. */
    public Optional<Severity> severity(StoredAlertGroup g, StoredAlert a) {
        return grouping.severity(g.route().team(), a.labels());
    }

    public OpsbotConfig config() {
        return config.get();
    }

    /**
     * Whether {@code user} may act on the group: a member of its team's responders role, or
     * someone the bot notified about it.
     */
    public Decision mayAct(StoredAlertGroup g, String user, GroupDirectory groups) {
        Optional<String> role = Optional.ofNullable(config.get().teams().get(g.route().team())).flatMap(Team::responders);
        if (role.isPresent()) {
            Decision d = new AccessPolicy(config.get().roles(), Map.of("act", List.of(role.get()))).decide("act", user, groups);
            if (d.allowed()) {
                return d;
            }
        }
        if (store.wasNotified(g.id(), user)) {
            return Decision.allow();
        }
        return Decision.deny("Only the " + role.map(r -> "`" + r + "` of team " + g.route().team()).orElse("responders")
                + " and people the bot notified about this alert may act on it.");
    }

    /** Whether the group's next escalation tier may be paged now ({@link GroupStates#mayEscalate}). */
    public Decision mayEscalate(StoredAlertGroup g) {
        return GroupStates.mayEscalate(g);
    }

    /** Whether a silence may be made at the group's source ({@link GroupStates#maySilence}). */
    public Decision maySilence(StoredAlertGroup g) {
        return GroupStates.maySilence(g);
    }

    /** Whether the group has a silence at its source to expire ({@link GroupStates#mayUnsilence}). */
    public Decision mayUnsilence(StoredAlertGroup g) {
        return GroupStates.mayUnsilence(g);
    }
}
