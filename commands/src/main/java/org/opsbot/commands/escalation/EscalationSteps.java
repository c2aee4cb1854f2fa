package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.Page;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rules of walking a policy's tiers, as functions from a walk and an event to the next walk
 * and what happened. Nothing here waits, stores or sends: the {@link Pager} is handed in, the
 * clock is a parameter, and the caller stores the result.
 */
public final class EscalationSteps {
    private EscalationSteps() {
    }

    /** A new walk and what it did. */
    /** @param pages the notifications this step sent or tried to send, one row per person or pager */
    public record Step(Walk walk, List<WalkEvent> events, List<Page> pages) {
        public Step {
            events = List.copyOf(events);
            pages = List.copyOf(pages);
        }

        public Step(Walk walk, List<WalkEvent> events) {
            this(walk, events, List.of());
        }
    }

    /**
     * A subject opened: tier 1 falls due {@code after(1)} from now (usually at once). When a
     * person opened it by their own act ({@code aware}: who declared the incident), no tier of
     * this round pages them.
     */
    public static Step open(String subject, String team, String severity, Escalation policy, Optional<Walk.Aware> aware,
                            Instant now) {
        Walk walk = new Walk(subject, team, severity, Walk.Status.WALKING, 0, 0, -1, now, Duration.ZERO,
                Optional.empty(), now, 0, aware);
        if (policy.tiers().isEmpty()) {
            walk = walk.with(Walk.Status.ENDED, 0, 0, now, Duration.ZERO, Optional.empty());
            return new Step(walk, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.ENDED, -1,
                    "team " + team + " has no escalation tiers: nobody is paged")));
        }
        walk = walk.due(Optional.of(now.plus(policy.tiers().getFirst().after())));
        return new Step(walk, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.OPENED, -1, "escalation started")));
    }

    /**
     * A subject opened while a maintenance window holds it ({@code why}: "maintenance window
     * cdc-weekly"): the walk is stored, paused with nothing due, until {@link #release} starts it.
     */
    public static Step held(String subject, String team, String severity, String why, Instant now) {
        Walk walk = new Walk(subject, team, severity, Walk.Status.ACKNOWLEDGED, 0, 0, -1, now, Duration.ZERO,
                Optional.empty(), now, 0, Optional.empty());
        return new Step(walk, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.OPENED, -1,
                "opened during " + why + ": nobody is paged until it ends")));
    }

    /**
     * A resolved or finished subject fires again inside a maintenance window: held like a new one.
     * A walk under way (it opened before the window) goes on.
     */
    public static Step hold(Walk walk, String why, Instant now) {
        if (walk.status() != Walk.Status.STOPPED && walk.status() != Walk.Status.ENDED) {
            return new Step(walk, List.of());
        }
        Walk held = walk.with(Walk.Status.ACKNOWLEDGED, walk.round(), 0, now, Duration.ZERO, Optional.empty())
                .awareOf(Optional.empty());
        return new Step(held, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.OPENED, -1,
                "fired again during " + why + ": nobody is paged until it ends")));
    }

    /**
     * The maintenance window that held the subject ended while it still fires: its escalation
     * starts now, from the first tier. Only a held walk (paused with nothing due) moves: an
     * acknowledged, snoozed or walking one is left as it is.
     */
    public static Step release(Walk walk, Escalation policy, String why, Instant now) {
        if (walk.status() != Walk.Status.ACKNOWLEDGED || walk.dueAt().isPresent() || policy.tiers().isEmpty()) {
            return new Step(walk, List.of());
        }
        Walk walking = walk.with(Walk.Status.WALKING, walk.round(), 0, now, policy.tiers().getFirst().after(),
                Optional.of(now));
        return new Step(walking, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.REOPENED, -1,
                why + " ended while this was still firing: escalation starts now")));
    }

    /**
     * The walk's due time has come: notify the tier(s) now due, or re-open after an ack that was
     * not followed by a resolve, or start the next round.
     */
    public static Step fire(Walk walk, Escalation policy, Instant now, Function<Tier, OnCallRoster.TierOnCall> roster,
                            Pager pager) {
        List<WalkEvent> events = new ArrayList<>();
        String why = "not acknowledged";
        if (walk.status() == Walk.Status.ACKNOWLEDGED) {
            why = "acknowledged, but still not resolved";
            // The wait that ran out was an ack's resolve-within or a snooze: either way, unresolved.
            told(pager, walk, events, WalkEvent.of(walk, now, WalkEvent.Kind.REOPENED, -1,
                    "still not resolved: escalating again from the first tier"));
            // Nobody's act: whoever unacknowledged or escalated before is paged like anyone else.
            walk = walk.with(Walk.Status.WALKING, walk.round(), 0, now, policy.tiers().getFirst().after(), Optional.of(now))
                    .awareOf(Optional.empty());
        }
        if (walk.status() != Walk.Status.WALKING) {
            return new Step(walk.due(Optional.empty()), events);
        }
        return walkOn(walk, policy, now, roster, pager, why, events);
    }

    /**
     * The pager that alone reached tier {@code tier} did not take its page (refused, failed or
     * timed out on the first attempt): the tier was not reached after all, so the walk moves on
     * at once, as for a tier whose people are all in Do Not Disturb. Nothing changes when the
     * walk has moved past that tier already, or was acknowledged or stopped meanwhile.
     */
    public static Step pageUnanswered(Walk walk, Escalation policy, int tier, String detail, Instant now) {
        if (walk.status() != Walk.Status.WALKING || walk.lastTier() != tier || tier >= policy.tiers().size()) {
            return new Step(walk, List.of());
        }
        int next = walk.nextTier();
        Duration anchorAfter = next < policy.tiers().size() ? policy.tiers().get(next).after() : walk.anchorAfter();
        // Due now: the fire loop notifies the next tier (or repeats or ends the round) at once.
        Walk moved = walk.with(Walk.Status.WALKING, walk.round(), next, now, anchorAfter, Optional.of(now));
        return new Step(moved, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.UNREACHABLE, tier,
                policy.tiers().get(tier).name() + " could not be reached (its pager did not take the page: " + detail
                        + "): moving on at once")));
    }

    /** {@code /ops escalate} or the Escalate button: the next tier, now, whatever its wait. */
    public static Step escalateNow(Walk walk, Escalation policy, String by, String reason, Instant now,
                                   Function<Tier, OnCallRoster.TierOnCall> roster, Pager pager) {
        List<WalkEvent> events = new ArrayList<>();
        if (walk.status() == Walk.Status.STOPPED) {
            return new Step(walk, events);
        }
        int next = walk.status() == Walk.Status.ENDED ? 0 : walk.nextTier();
        String why = "escalated by <@" + by + ">" + (reason.isBlank() ? "" : ": " + reason);
        events.add(WalkEvent.of(walk, now, WalkEvent.Kind.ESCALATED, next, why));
        if (next >= policy.tiers().size()) {
            next = 0;
        }
        // Whoever escalates knows; someone else's earlier act no longer spares them.
        walk = walk.with(Walk.Status.WALKING, walk.round(), next, now, policy.tiers().get(next).after(), Optional.of(now))
                .awareOf(Optional.of(Walk.Aware.escalated(by)));
        return walkOn(walk, policy, now, roster, pager, why, events);
    }

    /** Someone acknowledged: the walk waits; with a resolve-within, it re-opens if not resolved by then. */
    public static Step acknowledge(Walk walk, String by, Optional<Duration> resolveWithin, Instant now) {
        if (walk.status() == Walk.Status.STOPPED) {
            return new Step(walk, List.of());
        }
        Walk acked = walk.with(Walk.Status.ACKNOWLEDGED, walk.round(), walk.nextTier(), walk.anchorAt(),
                walk.anchorAfter(), resolveWithin.map(now::plus));
        return new Step(acked, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.ACKNOWLEDGED, -1, "acknowledged by <@" + by + ">"
                + resolveWithin.map(d -> "; escalation resumes if it is not resolved within " + Durations.format(d)).orElse(""))));
    }

    /** The ack was taken back: the walk starts again from the first tier, at once. */
    public static Step unacknowledge(Walk walk, Escalation policy, String by, Instant now) {
        if (walk.status() == Walk.Status.STOPPED || policy.tiers().isEmpty()) {
            return new Step(walk, List.of());
        }
        Walk restarted = walk.with(Walk.Status.WALKING, walk.round(), 0, now, policy.tiers().getFirst().after(),
                Optional.of(now)).awareOf(Optional.of(Walk.Aware.unacknowledged(by)));
        return new Step(restarted, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.UNACKNOWLEDGED, -1,
                "unacknowledged by <@" + by + ">: escalating again from the first tier")));
    }

    /**
     * A resolved or finished subject fires again (a new episode): the walk starts over, at once,
     * sparing {@code aware} if a person's act re-opened it.
     */
    public static Step reopen(Walk walk, Escalation policy, Optional<Walk.Aware> aware, Instant now) {
        if (policy.tiers().isEmpty() || walk.status() == Walk.Status.WALKING || walk.status() == Walk.Status.ACKNOWLEDGED) {
            return new Step(walk, List.of());
        }
        Walk again = walk.with(Walk.Status.WALKING, 0, 0, now, policy.tiers().getFirst().after(), Optional.of(now))
                .awareOf(aware);
        return new Step(again, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.OPENED, -1, "fired again: escalation starts over")));
    }

    /** Snoozed: nothing is paged until {@code until}, when the walk starts again from the first tier. */
    public static Step pause(Walk walk, String by, Instant until, Instant now) {
        if (walk.status() == Walk.Status.STOPPED) {
            return new Step(walk, List.of());
        }
        Walk paused = walk.with(Walk.Status.ACKNOWLEDGED, walk.round(), walk.nextTier(), walk.anchorAt(), walk.anchorAfter(),
                Optional.of(until));
        return new Step(paused, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.ACKNOWLEDGED, -1,
                "snoozed by <@" + by + ">: escalation paused until the snooze ends")));
    }

    /**
     * The walk fell due, but its subject moved meanwhile and the walk was never told (the process
     * died between storing the subject's change and telling escalation): the walk catches up as
     * that change would have moved it, so nobody is paged for a subject someone acknowledged,
     * snoozed or resolved. Empty when the walk is right to fire.
     */
    public static Optional<Step> reconcile(Walk walk, SubjectStates.State subject, Optional<Duration> resolveWithin,
                                           Instant now) {
        String by = subject.by().orElse("opsbot");
        switch (subject.kind()) {
            case RESOLVED -> {
                return Optional.of(stop(walk, resolvedBy(by), now));
            }
            case ACKNOWLEDGED -> {
                Instant at = subject.at().filter(t -> t.isBefore(now)).orElse(now);
                Optional<Instant> until = resolveWithin.map(at::plus);
                if (walk.status() == Walk.Status.ACKNOWLEDGED && until.isPresent() && !until.get().isAfter(now)) {
                    // The ack's resolve-within ran out while the walk waited on it: it re-opens, as it should.
                    return Optional.empty();
                }
                // Counted from the ack itself: one whose resolve-within ran out during the outage re-opens at once.
                return Optional.of(acknowledge(walk, by, resolveWithin, at));
            }
            case SNOOZED -> {
                return subject.at().filter(until -> until.isAfter(now)).map(until -> pause(walk, by, until, now));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * The walk waits (stopped, or on an acknowledgement with nothing due) while its subject fires,
     * unacknowledged, and the walk was never told how that came about (the process died between
     * storing the unacknowledge or the reopen and telling escalation): it starts again from the
     * first tier, as that change would have started it. Who unacknowledged is not kept with the
     * subject, so the history does not name them and nobody is spared a page. Empty when the walk
     * is not waiting so.
     */
    public static Optional<Step> wake(Walk walk, Escalation policy, Instant now) {
        if (walk.status() == Walk.Status.STOPPED) {
            return Optional.of(reopen(walk, policy, Optional.empty(), now)).filter(step -> !step.events().isEmpty());
        }
        if (walk.status() != Walk.Status.ACKNOWLEDGED || walk.dueAt().isPresent() || policy.tiers().isEmpty()) {
            return Optional.empty();
        }
        Walk restarted = walk.with(Walk.Status.WALKING, walk.round(), 0, now, policy.tiers().getFirst().after(),
                Optional.of(now)).awareOf(Optional.empty());
        return Optional.of(new Step(restarted, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.UNACKNOWLEDGED, -1,
                "unacknowledged: escalating again from the first tier"))));
    }

    /** What the history says when a subject resolved ({@code by} "opsbot": at its source). */
    public static String resolvedBy(String by) {
        return "resolved by " + (by.equals("opsbot") ? "its source" : "<@" + by + ">") + ": escalation stopped";
    }

    /** Resolved: nothing more happens. */
    public static Step stop(Walk walk, String detail, Instant now) {
        if (walk.status() == Walk.Status.STOPPED) {
            return new Step(walk, List.of());
        }
        Walk stopped = walk.with(Walk.Status.STOPPED, walk.round(), walk.nextTier(), walk.anchorAt(), walk.anchorAfter(),
                Optional.empty());
        return new Step(stopped, List.of(WalkEvent.of(walk, now, WalkEvent.Kind.STOPPED, -1, detail)));
    }

    /**
     * Notifies every tier that is due at {@code now}, in order. A tier that does not apply (other
     * severities, outside its hours) is passed over and the waits go on as if it were not there;
     * a tier whose people are all unreachable (Do Not Disturb, nobody on call) counts as not
     * reached, and the walk moves on to the next tier at once. The walk's aware person (who
     * declared, unacknowledged or escalated it) is not paged: a tier they are in counts as
     * reached through them, so the next tier comes at its own time.
     */
    private static Step walkOn(Walk walk, Escalation policy, Instant now, Function<Tier, OnCallRoster.TierOnCall> roster,
                               Pager pager, String why, List<WalkEvent> events) {
        List<Tier> tiers = policy.tiers();
        int round = walk.round();
        int i = walk.nextTier();
        Instant anchorAt = walk.anchorAt();
        Duration anchorAfter = walk.anchorAfter();
        String reason = why;
        List<Page> pages = new ArrayList<>();
        while (i < tiers.size()) {
            Tier tier = tiers.get(i);
            Instant due = anchorAt.plus(tier.after().minus(anchorAfter));
            if (due.isAfter(now)) {
                Walk next = walk.with(Walk.Status.WALKING, round, i, anchorAt, anchorAfter, Optional.of(due));
                return new Step(next, events, pages);
            }
            OnCallRoster.TierOnCall onCall = roster.apply(tier);
            if (onCall.notApplicable().isPresent()) {
                events.add(WalkEvent.of(walk, now, WalkEvent.Kind.PASSED_OVER, i, tier.name() + ": " + onCall.notApplicable().get()));
                i++;
                continue;
            }
            Optional<Walk.Aware> spared = walk.aware()
                    .filter(a -> onCall.people().stream().anyMatch(p -> p.userId().equals(a.user())));
            OnCallRoster.TierOnCall paged = spared.map(a -> without(onCall, a.user())).orElse(onCall);
            // A tier with a pager webhook is paged even when nobody in Slack is on call for it.
            Pager.Result result = paged.people().isEmpty() && tier.webhook().isEmpty()
                    ? new Pager.Result(List.of(), spared.isPresent() ? paged.unresolved()
                            : onCall.unresolved().isEmpty() ? List.of("nobody is on call") : onCall.unresolved())
                    : pager.page(walk, paged, reason);
            for (String reached : result.reached()) {
                pages.add(Page.sent(walk, i, tier.name(), reached, now));
            }
            for (String reason1 : result.unreachable()) {
                pages.add(Page.notReached(walk, i, tier.name(), reason1, now));
            }
            if (result.anyoneReached() || spared.isPresent()) {
                List<String> who = new ArrayList<>(result.reached().stream().map(EscalationSteps::mention).toList());
                spared.ifPresent(a -> who.add(a.notPaged()));
                WalkEvent notified = WalkEvent.of(walk, now, WalkEvent.Kind.NOTIFIED, i, tier.name() + ": " + String.join(", ", who)
                        + (result.unreachable().isEmpty() ? "" : " (not reached: " + String.join("; ", result.unreachable()) + ")"));
                if (result.anyoneReached()) {
                    // The pages themselves tell the thread who was paged.
                    events.add(notified);
                } else {
                    // Nobody was paged, yet the tier is reached: the thread says why.
                    told(pager, walk, events, notified);
                }
                anchorAt = now;
                anchorAfter = tier.after();
                walk = walk.notified(i);
            } else {
                told(pager, walk, events, WalkEvent.of(walk, now, WalkEvent.Kind.UNREACHABLE, i, tier.name() + " could not be reached ("
                        + String.join("; ", result.unreachable()) + "): moving on at once"));
                if (i + 1 < tiers.size()) {
                    anchorAt = now;
                    anchorAfter = tiers.get(i + 1).after();
                }
            }
            i++;
            reason = "not acknowledged";
        }
        // Every tier of this round has had its turn.
        if (round < policy.repeat()) {
            Duration wait = policy.repeatAfter().orElse(tiers.getLast().after());
            Instant again = anchorAt.plus(wait);
            told(pager, walk, events, WalkEvent.of(walk, now, WalkEvent.Kind.REPEATED, -1, "all tiers notified; starting again from the first at "
                    + java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC).format(again)
                    + " (" + (round + 1) + " of " + policy.repeat() + " repeats)"));
            // A new round is the policy's doing, not the person's: it pages them like anyone else.
            Walk next = walk.with(Walk.Status.WALKING, round + 1, 0, again, tiers.getFirst().after(), Optional.of(again))
                    .awareOf(Optional.empty());
            return new Step(next, events, pages);
        }
        told(pager, walk, events, WalkEvent.of(walk, now, WalkEvent.Kind.ENDED, -1, "all tiers notified; the policy does not repeat,"
                + " so nobody more will be paged until someone escalates by hand"));
        return new Step(walk.with(Walk.Status.ENDED, round, tiers.size(), anchorAt, anchorAfter, Optional.empty()), events, pages);
    }

    /** Records {@code event} and tells the subject's thread about it. */
    private static void told(Pager pager, Walk walk, List<WalkEvent> events, WalkEvent event) {
        events.add(event);
        pager.tell(walk, event);
    }

    private static OnCallRoster.TierOnCall without(OnCallRoster.TierOnCall tier, String user) {
        return new OnCallRoster.TierOnCall(tier.number(), tier.name(), tier.after(), tier.tier(),
                tier.people().stream().filter(p -> !p.userId().equals(user)).toList(), tier.unresolved(), tier.notApplicable());
    }

    private static String mention(String reached) {
        return reached.matches("[UW][A-Z0-9]+") ? "<@" + reached + ">" : reached;
    }
}
