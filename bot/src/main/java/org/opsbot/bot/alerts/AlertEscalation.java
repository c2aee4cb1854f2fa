package org.opsbot.bot.alerts;

import org.opsbot.bot.escalation.Subjects;
import org.opsbot.commands.alert.AlertNote;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.model.MaintenanceWindow;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Alert groups as escalation subjects ({@link Subject#alertGroup}): a group's escalation follows
 * its state (opened or fired again → walk; acknowledged → wait; unacknowledged → walk again;
 * snoozed → pause; resolved → stop), and escalation finds a group's title, team and thread here.
 * A group that opens (or fires again) while a maintenance window holds it is held: it pages
 * nobody until the window ends and {@link #releaseHeld} starts its walk.
 */
final class AlertEscalation {
    private final Alerts alerts;
    private final Escalations escalations;
    private final Function<StoredAlertGroup, Optional<MaintenanceWindow>> holding;
    private final Clock clock;

    /** @param holding the maintenance window holding a group now, if any */
    AlertEscalation(Alerts alerts, Escalations escalations, Function<StoredAlertGroup, Optional<MaintenanceWindow>> holding,
                    Clock clock) {
        this.alerts = alerts;
        this.escalations = escalations;
        this.holding = holding;
        this.clock = clock;
    }

    /** The group's escalation subject as the escalation engine holds it. */
    static String subject(long groupId) {
        return Subject.alertGroup(groupId).toString();
    }

    /** Called for every committed change of a group. */
    void follow(GroupChange change) {
        StoredAlertGroup g = change.group();
        String subject = subject(g.id());
        String team = g.route().team();
        String severity = g.severity() == null ? "none" : g.severity();
        // A firing group without a message may be one whose opening request was cut off
        // before it started escalating; opening again is a no-op for a walk under way.
        if ((change.opened() || g.messageId() == null) && g.state() == StoredAlertGroup.State.FIRING) {
            open(g);
        }
        for (AlertNote note : change.notes()) {
            switch (note) {
                case AlertNote.Reopened r -> open(g);
                case AlertNote.Acknowledged a -> escalations.acknowledged(subject, a.by());
                case AlertNote.Unacknowledged u -> escalations.unacknowledged(subject, u.by());
                case AlertNote.ResolvedByHand r -> escalations.resolved(subject, r.by());
                case AlertNote.ResolvedAtSource r -> escalations.resolved(subject, "opsbot");
                case AlertNote.Snoozed s -> escalations.pause(subject, s.by(), s.until());
                default -> {
                }
            }
        }
    }

    /**
     * Starts the walk of a firing group that has none (its opener died before starting it).
     * A walk under way is left as it is.
     */
    void ensureWalking(StoredAlertGroup g) {
        String subject = subject(g.id());
        if (g.state() == StoredAlertGroup.State.FIRING && escalations.find(subject).isEmpty()) {
            open(g);
        }
    }

    /** Starts the walk of {@code g}, or holds it while a maintenance window covers it. */
    private void open(StoredAlertGroup g) {
        String severity = g.severity() == null ? "none" : g.severity();
        Optional<MaintenanceWindow> window = holding.apply(g);
        if (window.isPresent()) {
            escalations.hold(subject(g.id()), g.route().team(), severity, describe(window.get()));
        } else {
            escalations.open(subject(g.id()), g.route().team(), severity);
        }
    }

    /**
     * A maintenance window of {@code team} ended: each of the team's firing groups that no other
     * window holds starts escalating now, and its thread says why.
     */
    void releaseHeld(String team, MaintenanceWindow ended) {
        for (StoredAlertGroup g : alerts.open(Optional.of(team), 500)) {
            if (g.state() == StoredAlertGroup.State.FIRING && holding.apply(g).isEmpty()) {
                escalations.release(subject(g.id()), describe(ended));
            }
        }
    }

    static String describe(MaintenanceWindow w) {
        return w.windowName().map(n -> "maintenance window " + n).orElse("maintenance #" + w.id());
    }

    /**
     * A group as its pages show it: its name, the summary its alerts fired with (the first firing
     * alert's {@code summary} or {@code description} annotation), its runbook, and where it stands.
     */
    Optional<Subjects.Description> find(Subject subject) {
        return alerts.group(subject.id()).map(g -> {
            List<StoredAlert> list = alerts.alerts(g.id());
            Optional<String> summary = list.stream().sorted(Comparator.comparing(StoredAlert::firing).reversed())
                    .map(a -> Optional.ofNullable(a.firedAnnotations().get("summary"))
                            .or(() -> Optional.ofNullable(a.firedAnnotations().get("description"))))
                    .flatMap(Optional::stream).findFirst();
            return new Subjects.Description(g.title(), g.route().team(), g.severity(), g.route().channel(),
                    Optional.ofNullable(g.messageId()), Optional.empty(), "#" + g.id(), summary, AlertMessages.runbook(list),
                    standing(g));
        });
    }

    private Subjects.Standing standing(StoredAlertGroup g) {
        StoredAlertGroup.Lifecycle l = g.lifecycle();
        if (g.state() == StoredAlertGroup.State.RESOLVED) {
            return Subjects.Standing.of(Subjects.Standing.State.RESOLVED, l.resolvedBy() == null ? "opsbot" : l.resolvedBy(),
                    l.resolvedAt());
        }
        if (g.state() == StoredAlertGroup.State.ACKNOWLEDGED) {
            return Subjects.Standing.of(Subjects.Standing.State.ACKNOWLEDGED, l.ackedBy(), l.ackedAt());
        }
        Long snoozedUntil = g.mutes().snoozedUntil();
        if (snoozedUntil != null && snoozedUntil > clock.millis()) {
            return Subjects.Standing.of(Subjects.Standing.State.SNOOZED, g.mutes().snoozedBy(), snoozedUntil);
        }
        return Subjects.Standing.OPEN;
    }
}
