package org.opsbot.bot.alerts;

import org.opsbot.bot.escalation.Subjects;
import org.opsbot.commands.alert.AlertNote;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.model.StoredAlertGroup;

import java.util.Optional;

/**
 * Alert groups as escalation subjects ({@code alert-group:<id>}): a group's escalation follows
 * its state (opened or fired again → walk; acknowledged → wait; unacknowledged → walk again;
 * snoozed → pause; resolved → stop), and escalation finds a group's title, team and thread here.
 */
final class AlertEscalation {
    private static final String PREFIX = "alert-group:";

    private final Alerts alerts;
    private final Escalations escalations;

    AlertEscalation(Alerts alerts, Escalations escalations) {
        this.alerts = alerts;
        this.escalations = escalations;
    }

    static String subject(long groupId) {
        return PREFIX + groupId;
    }

    static Optional<Long> groupId(String subject) {
        if (!subject.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(subject.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Called for every committed change of a group. */
    void follow(GroupChange change) {
        StoredAlertGroup g = change.group();
        String subject = subject(g.id());
        String severity = g.severity() == null ? "none" : g.severity();
        // A firing group without a message may be one whose opening request was cut off
        // before it started escalating; opening again is a no-op for a walk under way.
        if ((change.opened() || g.messageId() == null) && Alerts.FIRING.equals(g.state())) {
            escalations.open(subject, g.team(), severity);
        }
        for (AlertNote note : change.notes()) {
            switch (note) {
                case AlertNote.Reopened r -> escalations.open(subject, g.team(), severity);
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
        if (Alerts.FIRING.equals(g.state()) && escalations.find(subject).isEmpty()) {
            escalations.open(subject, g.team(), g.severity() == null ? "none" : g.severity());
        }
    }

    static String prefix() {
        return PREFIX;
    }

    Optional<Subjects.Subject> find(String subject) {
        return groupId(subject).flatMap(alerts::group).map(g -> new Subjects.Subject(subject, g.title(), g.team(),
                g.severity(), g.channel(), Optional.ofNullable(g.messageId()), Optional.empty()));
    }
}
