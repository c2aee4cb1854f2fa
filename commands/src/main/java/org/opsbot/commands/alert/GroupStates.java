package org.opsbot.commands.alert;

import org.opsbot.commands.access.Decision;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.StoredAlertGroup.Lifecycle;
import org.opsbot.commands.model.StoredAlertGroup.Mutes;
import org.opsbot.commands.model.StoredAlertGroup.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The life of an alert group, in one place: firing → acknowledged → resolved by people,
 * resolved and reopened by its source, snoozed and silenced on the side, and the guards on what
 * may not be done in a state (escalating a resolved group, silencing a group its source cannot
 * silence). Pure: {@link Alerts} applies a move inside the transaction that locked the group,
 * so the rules see the group as it is.
 *
 * <p>Times are epoch milliseconds; {@code now} becomes the group's {@code updatedAt}.
 */
public final class GroupStates {

    private GroupStates() {
    }

    /** What a person's action does to a group: it moves, with what to tell its thread, or it is refused. */
    public sealed interface Move {
    }

    /** The group as it is to be saved, and what to tell its thread, in order. */
    public record Moved(StoredAlertGroup group, List<AlertNote> notes) implements Move {

        public Moved {
            notes = List.copyOf(notes);
        }
    }

    /** Nothing changes; {@code why} is a sentence for whoever asked (it may name people as {@code <@U…>}). */
    public record Refused(String why) implements Move {
    }

    // ---------------------------------------------------------------------------------------
    // What people do

    public static Move acknowledge(StoredAlertGroup g, String user, long now) {
        Lifecycle l = g.lifecycle();
        return switch (l.state()) {
            case FIRING -> moved(g, new Lifecycle(State.ACKNOWLEDGED, user, now, l.resolvedBy(), l.resolvedAt(),
                    l.stillFiringNoted()), now, new AlertNote.Acknowledged(user));
            case ACKNOWLEDGED -> new Refused("Already acknowledged by " + mention(l.ackedBy()) + ".");
            case RESOLVED -> new Refused(resolvedAlready(g));
        };
    }

    public static Move unacknowledge(StoredAlertGroup g, String user, long now) {
        Lifecycle l = g.lifecycle();
        return switch (l.state()) {
            case ACKNOWLEDGED -> moved(g, new Lifecycle(State.FIRING, null, null, l.resolvedBy(), l.resolvedAt(),
                    l.stillFiringNoted()), now, new AlertNote.Unacknowledged(user));
            case FIRING -> new Refused("Nobody has acknowledged it.");
            case RESOLVED -> new Refused(resolvedAlready(g));
        };
    }

    /** Resolved by hand: it stays resolved until its source starts a new episode, whatever it says till then. */
    public static Move resolve(StoredAlertGroup g, String user, long now) {
        Lifecycle l = g.lifecycle();
        if (l.state() == State.RESOLVED) {
            return new Refused(resolvedAlready(g));
        }
        // Who acknowledged it stays on record.
        return moved(g, new Lifecycle(State.RESOLVED, l.ackedBy(), l.ackedAt(), user, now, false), now,
                new AlertNote.ResolvedByHand(user));
    }

    /** Mutes the bot about the group until {@code until}; escalation pauses as long. */
    public static Move snooze(StoredAlertGroup g, String user, Instant until, long now) {
        if (g.state() == State.RESOLVED) {
            return new Refused(resolvedAlready(g));
        }
        Mutes m = g.mutes();
        return moved(g, new Mutes(user, until.toEpochMilli(), m.silenceId(), m.silencedBy(), m.silencedUntil()), now,
                new AlertNote.Snoozed(user, until));
    }

    /** Whether the next tier may be paged now: not once the group is resolved. */
    public static Decision mayEscalate(StoredAlertGroup g) {
        return g.state() == State.RESOLVED ? Decision.deny("It is resolved: there is nobody to escalate to.")
                : Decision.allow();
    }

    /**
     * Whether a silence may be made at the group's source: only an Alertmanager that told its
     * address ({@code externalURL}) takes one, and one silence at a time.
     */
    public static Decision maySilence(StoredAlertGroup g) {
        if (!silenceable(g)) {
            return Decision.deny("Only groups from an Alertmanager that sent its `externalURL` can be silenced from here."
                    + " Snooze mutes the bot instead.");
        }
        if (g.mutes().silenceId() != null) {
            return Decision.deny("It is silenced already, by " + mention(g.mutes().silencedBy()) + ".");
        }
        return Decision.allow();
    }

    /** Whether the group has a silence at its source that can be expired from here. */
    public static Decision mayUnsilence(StoredAlertGroup g) {
        return g.mutes().silenceId() == null || g.route().externalUrl() == null ? Decision.deny("It is not silenced.")
                : Decision.allow();
    }

    /** Whether the group's source takes silences from opsbot: the Slack message offers Silence only then. */
    public static boolean silenceable(StoredAlertGroup g) {
        return AlertSources.stored(g.route().source()).map(AlertSource::takesAlertmanagerSilences).orElse(false)
                && g.route().externalUrl() != null;
    }

    /** Records a silence made at the source (the caller made it, after {@link #maySilence}). */
    public static Move silenced(StoredAlertGroup g, String user, Instant until, String silenceId, long now) {
        Mutes m = g.mutes();
        return moved(g, new Mutes(m.snoozedBy(), m.snoozedUntil(), silenceId, user, until.toEpochMilli()), now,
                new AlertNote.Silenced(user, until, silenceId));
    }

    /** The silence was expired by hand (the caller removed it at the source). */
    public static Move silenceRemoved(StoredAlertGroup g, String user, long now) {
        if (g.mutes().silenceId() == null) {
            return new Refused("It is not silenced.");
        }
        return moved(g, withoutSilence(g.mutes()), now, new AlertNote.SilenceEnded(Optional.of(user)));
    }

    // ---------------------------------------------------------------------------------------
    // What a group's message shows

    /** What a person can do to a group from its message; the buttons and menus are drawn from these. */
    public enum Offer { ACKNOWLEDGE, UNACKNOWLEDGE, RESOLVE, ESCALATE, SNOOZE, SILENCE, DECLARE_INCIDENT, RUN_RUNBOOK }

    /**
     * What the group's message shows in its state, decided here so that no message can show a
     * state and something that contradicts it (a resolved group with firing lines or a snooze).
     *
     * @param state              the state the message names
     * @param alertsLive         whether alert lines show as live (firing in red); a resolved
     *                           group's lines are history, whatever the source says
     * @param offers             what the message offers; none once the group is resolved
     * @param snoozedUntil       the snooze to show: one in effect on an open group
     * @param silencedUntil      the silence at the source to show: one in effect, also on a
     *                           resolved group, since it still holds back the source's alerts
     * @param firingAtSource     for a group resolved by hand, how many of its alerts its source
     *                           still reports firing (they do not reopen it; a new alert or a new
     *                           episode does); 0 otherwise
     */
    public record Shown(State state, boolean alertsLive, Set<Offer> offers, Optional<Long> snoozedUntil,
                        Optional<Long> silencedUntil, int firingAtSource) {

        public Shown {
            offers = offers.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(offers));
        }
    }

    /**
     * What {@code g}'s message shows at {@code now}, of which {@code firing} alerts are firing at
     * the source.
     */
    public static Shown shown(StoredAlertGroup g, int firing, long now) {
        Mutes m = g.mutes();
        Optional<Long> silenced = m.silenceId() != null && m.silencedUntil() != null && m.silencedUntil() > now
                ? Optional.of(m.silencedUntil()) : Optional.empty();
        if (g.state() == State.RESOLVED) {
            int stillFiring = g.lifecycle().resolvedBy() == null ? 0 : firing;
            return new Shown(State.RESOLVED, false, Set.of(), Optional.empty(), silenced, stillFiring);
        }
        Set<Offer> offers = EnumSet.of(g.state() == State.ACKNOWLEDGED ? Offer.UNACKNOWLEDGE : Offer.ACKNOWLEDGE,
                Offer.RESOLVE, Offer.ESCALATE, Offer.SNOOZE, Offer.DECLARE_INCIDENT, Offer.RUN_RUNBOOK);
        if (maySilence(g).allowed()) {
            offers.add(Offer.SILENCE);
        }
        Optional<Long> snoozed = m.snoozedUntil() != null && m.snoozedUntil() > now ? Optional.of(m.snoozedUntil()) : Optional.empty();
        return new Shown(g.state(), true, offers, snoozed, silenced, 0);
    }

    // ---------------------------------------------------------------------------------------
    // What the source and the clock do

    /** How a group starts: firing, nobody on it yet. */
    public static Lifecycle opened() {
        return new Lifecycle(State.FIRING, null, null, null, null, false);
    }

    /** Every alert resolved at the source; who acknowledged it stays on record. */
    public static Lifecycle resolvedAtSource(Lifecycle l, long now) {
        return new Lifecycle(State.RESOLVED, l.ackedBy(), l.ackedAt(), null, now, l.stillFiringNoted());
    }

    /** A resolved group whose source starts a new episode fires again, as if new. */
    public static Lifecycle reopened() {
        return opened();
    }

    /**
     * A group resolved by hand whose source still sends the same episode as firing: its thread is
     * told once, and it stays resolved. Empty when there is nothing to tell.
     */
    public static Optional<Lifecycle> stillFiringAtSource(Lifecycle l) {
        if (l.state() != State.RESOLVED || l.resolvedBy() == null || l.stillFiringNoted()) {
            return Optional.empty();
        }
        return Optional.of(new Lifecycle(l.state(), l.ackedBy(), l.ackedAt(), l.resolvedBy(), l.resolvedAt(), true));
    }

    /** Ends the snooze and the silence that ran out by {@code now}; empty when neither did. */
    public static Optional<Moved> mutesEnded(StoredAlertGroup g, long now) {
        Mutes m = g.mutes();
        List<AlertNote> notes = new ArrayList<>();
        if (m.snoozedUntil() != null && m.snoozedUntil() <= now) {
            m = new Mutes(null, null, m.silenceId(), m.silencedBy(), m.silencedUntil());
            notes.add(new AlertNote.SnoozeEnded());
        }
        if (m.silencedUntil() != null && m.silencedUntil() <= now) {
            m = withoutSilence(m);
            notes.add(new AlertNote.SilenceEnded(Optional.empty()));
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of(new Moved(g.with().mutes(m).updatedAt(now).build(), notes));
    }

    // ---------------------------------------------------------------------------------------

    private static Moved moved(StoredAlertGroup g, Lifecycle next, long now, AlertNote note) {
        return new Moved(g.with().lifecycle(next).updatedAt(now).build(), List.of(note));
    }

    private static Moved moved(StoredAlertGroup g, Mutes next, long now, AlertNote note) {
        return new Moved(g.with().mutes(next).updatedAt(now).build(), List.of(note));
    }

    private static Mutes withoutSilence(Mutes m) {
        return new Mutes(m.snoozedBy(), m.snoozedUntil(), null, null, null);
    }

    private static String resolvedAlready(StoredAlertGroup g) {
        String by = g.lifecycle().resolvedBy();
        return by == null ? "It was resolved at the source already." : mention(by) + " resolved it already.";
    }

    private static String mention(String user) {
        return user == null ? "someone" : "<@" + user + ">";
    }
}
