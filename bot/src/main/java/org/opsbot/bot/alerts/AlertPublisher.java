package org.opsbot.bot.alerts;

import org.opsbot.commands.model.Verdict;

import com.slack.api.model.block.element.ButtonElement;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.alert.AlertNote;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Tells Slack about a committed {@link GroupChange}: the group's parent message is posted once
 * and then only updated in place (the outbox coalesces pending updates of one message), and what
 * happened goes into its thread as one reply per change. A snoozed or silenced group keeps its
 * parent current but posts nothing new from its source.
 */
final class AlertPublisher {
    private static final Logger log = LoggerFactory.getLogger(AlertPublisher.class);
    // How long a change waits for the flow that opened its group to record the parent message.
    private static final Duration PARENT_WAIT = Duration.ofSeconds(5);

    private final Alerts alerts;
    private final Outbox outbox;
    private final Clock clock;
    private final Function<StoredAlertGroup, Optional<String>> escalation;
    private final Consumer<GroupChange> escalate;
    private final LongFunction<ButtonElement> declare;
    private final LongFunction<Optional<Verdict>> verdicts;

    /**
     * @param escalation where a group's escalation stands, for its parent message
     * @param escalate   told of every published change, so escalation follows the group's state
     * @param declare    the incidents feature's Declare incident button for a group
     */
    AlertPublisher(Alerts alerts, Outbox outbox, Clock clock, Function<StoredAlertGroup, Optional<String>> escalation,
                   Consumer<GroupChange> escalate, LongFunction<ButtonElement> declare) {
        this(alerts, outbox, clock, escalation, escalate, declare, id -> Optional.empty());
    }

    /** @param verdicts the "Actionable?" answer given for a group, shown once it is resolved */
    AlertPublisher(Alerts alerts, Outbox outbox, Clock clock, Function<StoredAlertGroup, Optional<String>> escalation,
                   Consumer<GroupChange> escalate, LongFunction<ButtonElement> declare,
                   LongFunction<Optional<Verdict>> verdicts) {
        this.alerts = alerts;
        this.outbox = outbox;
        this.clock = clock;
        this.escalation = escalation;
        this.escalate = escalate;
        this.declare = declare;
        this.verdicts = verdicts;
    }

    void publish(GroupChange change) {
        // A group without its parent yet (new, or its opener still posting it or dead) gets the
        // parent first, so the first page can point at its thread and its tier note lands there;
        // the message shows the escalation once its first tier is paged.
        if (change.opened() || change.group().messageId() == null) {
            tellSlack(change);
            escalate.accept(change);
        } else {
            // Escalation first, so the parent is drawn once, showing where it now stands.
            escalate.accept(change);
            tellSlack(change);
        }
    }

    /** Redraws a group's parent message (its escalation moved on, say). */
    void refresh(long id) {
        alerts.group(id).filter(g -> g.messageId() != null)
                .ifPresent(g -> outbox.update(g.messageId(), parentMessage(g)));
    }

    private SlackMessage parentMessage(StoredAlertGroup group) {
        return AlertMessages.parent(group, alerts.alerts(group.id()), severities(group), clock.millis(),
                escalation.apply(group), declare,
                group.state() == StoredAlertGroup.State.RESOLVED ? verdicts.apply(group.id()) : Optional.empty());
    }

    private AlertSeverities severities(StoredAlertGroup group) {
        return new AlertSeverities(alerts.config().severities(), alerts.severity(group), a -> alerts.severity(group, a));
    }

    private void tellSlack(GroupChange change) {
        long id = change.group().id();
        // The newest state, not the one this change committed: a later change may have landed,
        // and an update must never take the parent back in time.
        StoredAlertGroup group = alerts.group(id).orElse(change.group());
        SlackMessage parent = parentMessage(group);
        if (change.opened()) {
            long messageId = outbox.postOnce(parentKey(id), group.route().channel(), parent);
            if (!alerts.attachMessage(id, messageId)) {
                log.warn("alert group {} already had a parent message", id);
            }
            return;
        }
        Optional<Long> messageId = parentOf(group);
        if (messageId.isEmpty()) {
            // The flow that opened the group stopped between its commit and its post (a crash):
            // post the parent now, showing the current state, rather than never. Once per group:
            // if the opener got as far as the outbox (but not the group), that post is the one.
            if (postMissingParent(group, parent)) {
                return;
            }
            messageId = alerts.group(id).map(StoredAlertGroup::messageId);
            if (messageId.isEmpty()) {
                return;
            }
        }
        long parentId = messageId.get();
        if (change.parentChanged()) {
            outbox.update(parentId, parent);
        }
        List<AlertNote> notes = muted(group) ? change.notes().stream().filter(AlertPublisher::saidByPeople).toList()
                : change.notes();
        AlertMessages.reply(group, notes, severities(group)).ifPresent(reply -> outbox.reply(parentId, reply));
    }

    /**
     * Finishes an opening that a crash cut short before its parent message was queued: posts it
     * now, showing the current state. Nothing is posted twice, whoever else is finishing it.
     */
    void finishOpening(StoredAlertGroup group) {
        if (group.messageId() == null) {
            postMissingParent(group, parentMessage(group));
        }
    }

    /** Posts a parent the group should have had; false when someone else attached one first. */
    private boolean postMissingParent(StoredAlertGroup group, SlackMessage parent) {
        long posted = outbox.postOnce(parentKey(group.id()), group.route().channel(), parent);
        if (alerts.attachMessage(group.id(), posted)) {
            log.warn("alert group {} had no parent message; posted it now", group.id());
            return true;
        }
        return false;
    }

    /**
     * The outbox key of a group's parent message, its subject's text (as keys already in the
     * outbox are): it is posted once, whoever posts it.
     */
    private static String parentKey(long groupId) {
        return Subject.alertGroup(groupId).toString();
    }

    private Optional<Long> parentOf(StoredAlertGroup group) {
        if (group.messageId() != null) {
            return Optional.of(group.messageId());
        }
        long deadline = System.nanoTime() + PARENT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Optional<Long> attached = alerts.group(group.id()).map(StoredAlertGroup::messageId);
            if (attached.isPresent()) {
                return attached;
            }
        }
        return Optional.empty();
    }

    private boolean muted(StoredAlertGroup g) {
        long now = clock.millis();
        StoredAlertGroup.Mutes m = g.mutes();
        return m.snoozedUntil() != null && m.snoozedUntil() > now || m.silencedUntil() != null && m.silencedUntil() > now;
    }

    /** What people did is always told; what the source sends is what a snooze mutes. */
    private static boolean saidByPeople(AlertNote note) {
        return !(note instanceof AlertNote.NewAlerts || note instanceof AlertNote.AlertsResolved
                || note instanceof AlertNote.StillFiringAtSource);
    }
}
