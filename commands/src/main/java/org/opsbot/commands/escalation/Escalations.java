package org.opsbot.commands.escalation;

import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.OverrideStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Escalation of subjects (alert groups, incidents) through their team's policy: opened, acked,
 * unacked, resolved and escalated by hand by their owners; stepped forward by the scheduler
 * loop through {@link #fireDue()}. The walk lives in the database; this class holds no state
 * between calls, so a restart resumes where the database says.
 */
public final class Escalations {
    private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);
    // Long enough for a fire to page everyone; a replica that dies mid-fire leaves the walk due again after it.
    private static final Duration CLAIM = Duration.ofMinutes(2);
    private static final int BATCH = 100;
    private static final int ATTEMPTS = 5;
    // A group's change reaches its walk right after its commit, in the same thread: one older than
    // this that the walk has not followed was lost (a kill -9), not on its way. Long next to that
    // hand-over and to the clock skew of replicas, short next to any tier's wait.
    private static final Duration SETTLED = Duration.ofSeconds(30);
    // How often the walks left waiting are looked for: fireDue runs several times a second.
    private static final Duration WAKE_EVERY = Duration.ofSeconds(10);

    private final EscalationStore store;
    private final Supplier<OpsbotConfig> config;
    private final GroupDirectory groups;
    private final OverrideStore overrides;
    private final AuditLog audit;
    private final Pager pager;
    private final Clock clock;
    private final SubjectLabels labels;
    private final SubjectStates states;
    // One change at a time per subject in this process; the version column covers other replicas.
    private final Map<String, ReentrantLock> locks = new HashMap<>();
    private volatile Instant nextWake = Instant.MIN;

    public Escalations(EscalationStore store, OpsbotConfig config, GroupDirectory groups, OverrideStore overrides,
                       AuditLog audit, Pager pager, Clock clock) {
        this(store, config, groups, overrides, audit, pager, clock, SubjectLabels.NONE);
    }

    /** @param labels what the subjects carry, for tiers limited by {@code match:} */
    public Escalations(EscalationStore store, OpsbotConfig config, GroupDirectory groups, OverrideStore overrides,
                       AuditLog audit, Pager pager, Clock clock, SubjectLabels labels) {
        this(store, () -> config, groups, overrides, audit, pager, clock, labels);
    }

    /** @param config read at each step: the configuration in force ({@link org.opsbot.commands.config.LiveConfig}) */
    public Escalations(EscalationStore store, Supplier<OpsbotConfig> config, GroupDirectory groups, OverrideStore overrides,
                       AuditLog audit, Pager pager, Clock clock, SubjectLabels labels) {
        this(store, config, groups, overrides, audit, pager, clock, labels, SubjectStates.UNKNOWN);
    }

    /** @param states where the subjects stand in their own features, checked before a due walk pages */
    public Escalations(EscalationStore store, Supplier<OpsbotConfig> config, GroupDirectory groups, OverrideStore overrides,
                       AuditLog audit, Pager pager, Clock clock, SubjectLabels labels, SubjectStates states) {
        this.labels = labels;
        this.states = states;
        this.store = store;
        this.config = config;
        this.groups = groups;
        this.overrides = overrides;
        this.audit = audit;
        this.pager = pager;
        this.clock = clock;
    }

    /** Starts escalating {@code subject} (once: a second open of the same subject does nothing). */
    public void open(String subject, String team, String severity) {
        open(subject, team, severity, Optional.empty());
    }

    /**
     * Starts escalating {@code subject} that a person opened by their own act ({@code aware}: who
     * declared the incident): they know, so no tier of the first round pages them.
     */
    public void open(String subject, String team, String severity, Optional<Walk.Aware> aware) {
        EscalationSteps.Step step = EscalationSteps.open(subject, team, severity, policy(team), aware, clock.instant());
        if (store.insert(step.walk(), step.events())) {
            audited("opsbot", step.events());
        } else {
            // Seen before: a resolved subject that fires again starts over; an open one goes on.
            change(subject, "opsbot", walk -> EscalationSteps.reopen(walk, policy(walk.team()), aware, clock.instant()));
        }
    }

    /**
     * Opens {@code subject} held by a maintenance window ({@code why}, e.g. "maintenance window
     * cdc-weekly"): nothing is paged until {@link #release} is called for it.
     */
    public void hold(String subject, String team, String severity, String why) {
        if (policy(team).tiers().isEmpty()) {
            open(subject, team, severity);
            return;
        }
        EscalationSteps.Step step = EscalationSteps.held(subject, team, severity, why, clock.instant());
        if (store.insert(step.walk(), step.events())) {
            audited("opsbot", step.events());
        } else {
            change(subject, "opsbot", walk -> EscalationSteps.hold(walk, why, clock.instant()));
        }
    }

    /**
     * The maintenance window ({@code why}) holding {@code subject} ended while it still fires: its
     * walk starts now, and its thread is told so. A walk that is not held is left as it is.
     */
    public void release(String subject, String why) {
        // Held means paused by the hold itself: an ack or a snooze since is a person's pause, left alone.
        List<WalkEvent> history = store.events(subject);
        if (history.isEmpty() || history.getLast().kind() != WalkEvent.Kind.OPENED) {
            return;
        }
        change(subject, "opsbot", walk -> {
            EscalationSteps.Step step = EscalationSteps.release(walk, policy(walk.team()), why, clock.instant());
            step.events().forEach(event -> pager.tell(walk, event));
            return step;
        });
    }

    /** Nothing is paged until {@code until} (a snooze); then the walk starts again. */
    public void pause(String subject, String by, Instant until) {
        change(subject, by, walk -> EscalationSteps.pause(walk, by, until, clock.instant()));
    }

    /** The policy of a walk's team, for describing where it stands. */
    public Escalation policyOf(Walk walk) {
        return policy(walk.team());
    }

    public void acknowledged(String subject, String by) {
        change(subject, by, walk -> EscalationSteps.acknowledge(walk, by, resolveWithin(walk), clock.instant()))
                .filter(walk -> walk.status() == Walk.Status.ACKNOWLEDGED)
                .ifPresent(walk -> settled(walk, Pager.Settled.ACKNOWLEDGED));
    }

    public void unacknowledged(String subject, String by) {
        change(subject, by, walk -> EscalationSteps.unacknowledge(walk, policy(walk.team()), by, clock.instant()));
    }

    public void resolved(String subject, String by) {
        change(subject, by, walk -> EscalationSteps.stop(walk, EscalationSteps.resolvedBy(by), clock.instant()))
                .filter(walk -> walk.status() == Walk.Status.STOPPED)
                .ifPresent(walk -> settled(walk, Pager.Settled.RESOLVED));
    }

    /** The ack or resolve the walk caught up with was never told to the pagers either. */
    private void caughtUp(Walk walk, SubjectStates.State.Kind kind) {
        switch (kind) {
            case ACKNOWLEDGED -> settled(walk, Pager.Settled.ACKNOWLEDGED);
            case RESOLVED -> settled(walk, Pager.Settled.RESOLVED);
            default -> {
            }
        }
    }

    /** The pagers are told after the walk is stored; telling them must not undo the ack or resolve. */
    private void settled(Walk walk, Pager.Settled how) {
        try {
            pager.settled(walk, how);
        } catch (RuntimeException e) {
            LOG.error("telling the pagers that {} was {} failed", walk.subject(), how.name().toLowerCase(java.util.Locale.ROOT), e);
        }
    }

    /** The pager redraws what shows the subject; a failure there must not undo the change. */
    private void changed(Walk walk) {
        try {
            pager.changed(walk);
        } catch (RuntimeException e) {
            LOG.error("redrawing the pages of {} failed", walk.subject(), e);
        }
    }

    /**
     * How severe {@code severity} is in {@code team}'s own levels when it has them (else the
     * global ones): 0 for the first listed, more for later ones and unknown ones.
     */
    public int rank(Optional<String> team, String severity) {
        int i = 0;
        for (Severity s : team.map(t -> config.get().severities(t)).orElseGet(() -> config.get().severities())) {
            if (s.name().equals(severity)) {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * The pager that alone reached tier {@code tier} (0-based) of {@code subject}'s walk did not
     * take the page: the walk moves on at once, and the subject's thread is told why.
     */
    public void pageUnanswered(String subject, int tier, String detail) {
        change(subject, "opsbot", walk -> {
            EscalationSteps.Step step = EscalationSteps.pageUnanswered(walk, policy(walk.team()), tier, detail, clock.instant());
            step.events().forEach(event -> pager.tell(walk, event));
            return step;
        });
    }

    /** Notifies the next tier now; the answer says who was reached (empty if the subject has no walk). */
    public Optional<Walk> escalate(String subject, String by, String reason) {
        return change(subject, by, walk -> EscalationSteps.escalateNow(walk, policy(walk.team()), by, reason, clock.instant(),
                roster(walk), pager));
    }

    /**
     * Fires every walk that is due; the loop calls this about once a second. Returns the subjects that moved on.
     * Every {@link #WAKE_EVERY}, first wakes the walks left waiting while their group fires again
     * ({@link EscalationSteps#wake}): they are due at once, so this same round pages their first tier.
     */
    public List<String> fireDue() {
        Instant now = clock.instant();
        List<String> fired = new java.util.ArrayList<>(wakeIdle(now));
        List<Walk> due = store.claimDue(now, CLAIM, BATCH);
        for (Walk walk : due) {
            ReentrantLock lock = lock(walk.subject());
            lock.lock();
            try {
                Optional<SubjectStates.State> subject = states.of(walk.subject());
                Optional<EscalationSteps.Step> caughtUp = subject.flatMap(state ->
                        EscalationSteps.reconcile(walk, state, resolveWithin(walk), clock.instant()));
                EscalationSteps.Step step = caughtUp.orElseGet(() ->
                        EscalationSteps.fire(walk, policy(walk.team()), clock.instant(), roster(walk), pager));
                if (store.save(step.walk(), step.events(), step.pages())) {
                    audited(caughtUp.isPresent() ? subject.get().by().orElse("opsbot") : "opsbot", step.events());
                    if (!fired.contains(walk.subject())) {
                        fired.add(walk.subject());
                    }
                    changed(step.walk());
                    if (caughtUp.isPresent()) {
                        LOG.info("escalation of {} caught up with its subject ({}) instead of paging", walk.subject(),
                                subject.get().kind().name().toLowerCase(java.util.Locale.ROOT));
                        caughtUp(step.walk(), subject.get().kind());
                    }
                } else {
                    LOG.warn("escalation of {} changed while it fired; its next step is decided again", walk.subject());
                }
            } catch (RuntimeException e) {
                // The claim runs out and the walk is due again; nothing is lost.
                LOG.error("escalating {} failed; trying again in {}", walk.subject(), CLAIM, e);
            } finally {
                lock.unlock();
            }
        }
        return fired;
    }

    /**
     * The walks of alert groups that fire again, unacknowledged, while their walk waits on an ack
     * or was stopped: the unacknowledge or the reopen was stored and the process died before the
     * walk was told. One query finds them; each is read again under its lock, and left to the
     * normal path if it or its group moved since. Subjects without a known state (incidents) are
     * never looked at.
     */
    private List<String> wakeIdle(Instant now) {
        if (states == SubjectStates.UNKNOWN || now.isBefore(nextWake)) {
            return List.of();
        }
        nextWake = now.plus(WAKE_EVERY);
        List<String> woken = new java.util.ArrayList<>();
        List<Walk> idle;
        try {
            idle = store.idleWhileGroupFires(org.opsbot.commands.model.Subject.Kind.ALERT_GROUP.prefix(),
                    now.minus(SETTLED).toEpochMilli(), now.toEpochMilli(), BATCH);
        } catch (RuntimeException e) {
            // The due walks of this round fire all the same.
            LOG.error("looking for escalations left waiting failed; trying again in {}", WAKE_EVERY, e);
            return List.of();
        }
        for (Walk walk : idle) {
            ReentrantLock lock = lock(walk.subject());
            lock.lock();
            try {
                boolean unchanged = store.find(walk.subject()).filter(w -> w.version() == walk.version()).isPresent();
                boolean firing = states.of(walk.subject()).filter(s -> s.kind() == SubjectStates.State.Kind.FIRING).isPresent();
                Optional<EscalationSteps.Step> step = unchanged && firing
                        ? EscalationSteps.wake(walk, policy(walk.team()), now) : Optional.empty();
                if (step.isPresent() && store.save(step.get().walk(), step.get().events(), step.get().pages())) {
                    audited("opsbot", step.get().events());
                    woken.add(walk.subject());
                    changed(step.get().walk());
                    LOG.warn("escalation of {} was left waiting while its group fires again, unacknowledged (the change never"
                            + " reached it): it starts again from the first tier", walk.subject());
                }
            } catch (RuntimeException e) {
                LOG.error("waking the escalation of {} failed; trying again in {}", walk.subject(), WAKE_EVERY, e);
            } finally {
                lock.unlock();
            }
        }
        return woken;
    }

    /**
     * After taking the escalations lease over: the walks the previous holder claimed and never
     * finished firing (it died) are due at once.
     */
    public int takeOverClaims() {
        int freed = store.releaseClaimsOfOthers(clock.instant());
        if (freed > 0) {
            LOG.info("Took over {} escalation step(s) the previous holder was firing when it stopped", freed);
        }
        return freed;
    }

    /** How long until the earliest pending walk falls due (negative when overdue), for the loop's pace. */
    public Optional<Duration> untilNextDue() {
        return store.nextDue().map(due -> Duration.between(clock.instant(), due));
    }

    public Optional<Walk> find(String subject) {
        return store.find(subject);
    }

    public List<WalkEvent> history(String subject) {
        return store.events(subject);
    }

    private Optional<Walk> change(String subject, String actor, Function<Walk, EscalationSteps.Step> how) {
        ReentrantLock lock = lock(subject);
        lock.lock();
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<Walk> current = store.find(subject);
                if (current.isEmpty()) {
                    return Optional.empty();
                }
                EscalationSteps.Step step = how.apply(current.get());
                if (step.events().isEmpty()) {
                    // The subject itself may have changed (acknowledged while the walk had ended).
                    store.subjectChanged(subject);
                    changed(current.get());
                    return current;
                }
                if (store.save(step.walk(), step.events(), step.pages())) {
                    audited(actor, step.events());
                    changed(step.walk());
                    return Optional.of(step.walk());
                }
            }
            throw new IllegalStateException("escalation of " + subject + " keeps changing; try again");
        } finally {
            lock.unlock();
        }
    }

    private synchronized ReentrantLock lock(String subject) {
        return locks.computeIfAbsent(subject, s -> new ReentrantLock());
    }

    /**
     * Who each tier of the walk's team notifies. The overrides are read once per roster, when the
     * first tier is asked (a fire that reaches several tiers used to read them once per tier),
     * and every tier is judged at that same instant.
     */
    private Function<Tier, OnCallRoster.TierOnCall> roster(Walk walk) {
        Team team = config.get().teams().get(walk.team());
        return new Function<>() {
            private Instant now;
            private List<OnCallOverride> current;
            private List<Map<String, String>> carried;

            @Override
            public OnCallRoster.TierOnCall apply(Tier tier) {
                if (current == null) {
                    now = clock.instant();
                    current = overrides.endingAfter(now);
                    carried = labels.of(walk.subject());
                }
                Team single = team.withEscalation(new Escalation(0, Optional.empty(), List.of(tier)));
                OnCallRoster.TierOnCall onCall = OnCallRoster.of(single, config.get().schedules(), current, groups,
                        Optional.of(walk.severity()), Optional.of(carried), now).getFirst();
                int number = team.escalation().tiers().indexOf(tier) + 1;
                return new OnCallRoster.TierOnCall(number, onCall.name(), onCall.after(), tier, onCall.people(),
                        onCall.unresolved(), onCall.notApplicable());
            }
        };
    }

    private Escalation policy(String team) {
        Team t = config.get().teams().get(team);
        return t == null ? Escalation.NONE : t.escalation();
    }

    private Optional<Duration> resolveWithin(Walk walk) {
        return config.get().severity(walk.team(), walk.severity()).flatMap(Severity::resolveWithin);
    }

    private void audited(String actor, List<WalkEvent> events) {
        for (WalkEvent e : events) {
            Map<String, Object> details = new HashMap<>();
            details.put("detail", e.detail());
            e.tier().ifPresent(t -> details.put("tier", t + 1));
            boolean byHand = e.kind() == WalkEvent.Kind.ACKNOWLEDGED || e.kind() == WalkEvent.Kind.UNACKNOWLEDGED
                    || e.kind() == WalkEvent.Kind.ESCALATED || e.kind() == WalkEvent.Kind.STOPPED;
            audit.append(byHand ? actor : "opsbot", "escalation." + e.kind().name().toLowerCase(java.util.Locale.ROOT),
                    e.subject(), details);
        }
    }

    /** Which of {@code subjects} (incidents, alert groups) {@code user} was paged about. */
    public java.util.Set<String> pagedFor(String user, java.util.Collection<String> subjects) {
        return store.pagedAmong(user, subjects);
    }
}
