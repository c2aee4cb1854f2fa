package org.opsbot.commands.approval;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.yaml.Suggestions;

import java.util.function.Function;
import java.util.function.Supplier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Four eyes for runbook actions: requests, approvals by named members of the action's
 * approver role (never the requester, a quorum of distinct people, bound to the exact plan),
 * rejections, expiry, break glass, and running each request at most once. Everything is
 * recorded in the audit log. No Slack here: callers turn the results into messages.
 */
public final class Approvals {
    /** The role whose named members may run an approval-requiring action at once (break glass). */
    public static final String EMERGENCY_ROLE = "emergency";
    /** The reason of a request a runbook schedule made, as the audit log shows it. */
    public static final String BY_SCHEDULE = "run by schedule";
    /**
     * How long a run counts as carried out without word from its process: the process extends
     * it ({@link #keepRunsAlive}) while the run lasts, so a replica killed mid-run leaves a run
     * that another replica marks interrupted this long after, not after the action's timeout.
     */
    public static final Duration RUN_LEASE = Duration.ofSeconds(15);
    // Waiting requests are few (each expires); more than this is a backlog nobody reads in full.
    private static final int PENDING_LIMIT = 500;

    private final RunbookCatalog catalog;
    private final Supplier<Map<String, List<String>>> roles;
    private final ActionStore store;
    private final ActionRunner runner;
    private final AuditLog audit;
    private final SecretMasker masker;
    private final Clock clock;
    // The runs this process is carrying out now, whose deadline it keeps extending.
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    // What an approved request of another kind than an action does, by kind.
    private final Map<String, ApprovedWork> work = new ConcurrentHashMap<>();

    public Approvals(RunbookCatalog catalog, Map<String, List<String>> roles, ActionStore store, ActionRunner runner,
                     AuditLog audit, SecretMasker masker, Clock clock) {
        this(catalog, fixed(roles), store, runner, audit, masker, clock);
    }

    /** @param roles read at each decision: the roles in force (a reload changes them) */
    public Approvals(RunbookCatalog catalog, Supplier<Map<String, List<String>>> roles, ActionStore store, ActionRunner runner,
                     AuditLog audit, SecretMasker masker, Clock clock) {
        this.catalog = catalog;
        this.roles = roles;
        this.store = store;
        this.runner = runner;
        this.audit = audit;
        this.masker = masker;
        this.clock = clock;
    }

    /**
     * What an approved request of a kind other than {@link ActionRequest#ACTION} does when it
     * runs, once, on the replica that won the claim (a maintenance window starts).
     */
    @FunctionalInterface
    public interface ApprovedWork {
        ActionResult carryOut(ActionRequest approved);
    }

    /** Registers what approved requests of {@code kind} do; the feature owning the kind calls it once. */
    public void onApproved(String kind, ApprovedWork what) {
        if (ActionRequest.ACTION.equals(kind) || work.putIfAbsent(kind, what) != null) {
            throw new IllegalStateException("approved requests of kind " + kind + " already have their work");
        }
    }

    /**
     * Something other than a runbook action that needs four eyes: what it is (its kind, the
     * subject it is about, a title and the one line approvers read) and who must approve it.
     * Its params are what the {@link ApprovedWork} reads; approvals are bound to their hash.
     */
    public record Other(String kind, String subject, String title, Map<String, String> params, String plan,
                        String role, int count, Duration within) {
    }

    /** Records a request of another kind; it waits for {@code count} approvers of {@code role} until its expiry. */
    public ActionRequest request(Other other, String requester, String reason, String channel) {
        if (!work.containsKey(other.kind())) {
            throw new IllegalStateException("nothing carries out approved requests of kind " + other.kind());
        }
        Instant now = now();
        String hash = sha256(other.kind() + "\n" + other.subject() + "\n" + new java.util.TreeMap<>(other.params()));
        long id = store.insert(new ActionStore.NewRequest(other.kind(), other.subject(), other.title(), other.params(),
                masker.mask(other.plan()), hash, requester, reason, channel, Optional.of(other.role()),
                Math.max(1, other.count()), false, now, Optional.of(now.plus(other.within())), other.kind()));
        ActionRequest request = store.find(id).orElseThrow();
        audit("action.request", requester, request, Map.of("needs", request.needed() + " approval(s) from " + other.role()));
        return request;
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An action and the runbook it belongs to. */
    public record Target(Runbook runbook, Action action) {
        public String reference() {
            return runbook.name() + "/" + action.id();
        }
    }

    /**
     * Finds {@code runbook/action}, or a bare action id when exactly one runbook has it.
     *
     * @throws InvalidParameters saying what exists instead
     */
    public Target find(String reference) throws InvalidParameters {
        int slash = reference.indexOf('/');
        List<Target> all = new ArrayList<>();
        catalog.all().forEach(r -> r.actions().forEach(a -> all.add(new Target(r, a))));
        List<Target> matches = all.stream().filter(t -> slash < 0 ? t.action().id().equals(reference)
                : t.reference().equals(reference)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new InvalidParameters(List.of("several runbooks have an action " + reference + ": "
                    + String.join(", ", matches.stream().map(Target::reference).toList()) + "; name one of them"));
        }
        List<String> known = all.stream().map(Target::reference).toList();
        List<String> close = Suggestions.closestFew(reference, slash < 0
                ? all.stream().map(t -> t.action().id()).distinct().toList() : known);
        throw new InvalidParameters(List.of("there is no action " + reference
                + (close.isEmpty() ? (known.isEmpty() ? "; no runbook defines actions" : "; actions: " + String.join(", ", known))
                : "; did you mean " + String.join(" or ", close) + "?")));
    }

    /** Every action of every runbook, for listings. */
    public List<Target> all() {
        List<Target> all = new ArrayList<>();
        catalog.all().forEach(r -> r.actions().forEach(a -> all.add(new Target(r, a))));
        return all;
    }

    public ActionPlan plan(Target target, Map<String, String> values) throws InvalidParameters {
        return ActionPlanner.plan(target.runbook(), target.action(), values);
    }

    /**
     * Records a request. One that needs no approval is ready to {@link #run} at once; one that
     * does waits for approvers until its expiry.
     */
    public ActionRequest request(Target target, Map<String, String> values, String requester, String reason,
                                 String channel) throws InvalidParameters {
        return request(target, values, requester, reason, channel, r -> Optional.of(store.insert(r))).orElseThrow();
    }

    /**
     * As {@link #request(Target, Map, String, String, String)}, recorded by {@code record}
     * together with the caller's own state in one transaction (a procedure's step waiting for
     * it: {@code ProcedureStore.waitOnNewRequest}), so that a crash leaves both or neither.
     *
     * @param record writes the request and returns its id; empty when the caller's state no
     *               longer allows it, and then nothing was written
     * @return the request, audited; empty when {@code record} wrote nothing
     */
    public Optional<ActionRequest> request(Target target, Map<String, String> values, String requester, String reason,
                                           String channel, Function<ActionStore.NewRequest, Optional<Long>> record)
            throws InvalidParameters {
        ActionPlan plan = plan(target, values);
        Instant now = now();
        Optional<Action.Approval> approval = target.action().approval();
        Optional<Long> id = record.apply(new ActionStore.NewRequest(plan.runbook(), plan.action(), plan.title(), plan.params(),
                masker.mask(plan.whatRuns()), plan.hash(), requester, reason, channel, approval.map(Action.Approval::role),
                approval.map(Action.Approval::count).orElse(0), false, now, approval.map(a -> now.plus(a.within()))));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        ActionRequest request = store.find(id.get()).orElseThrow();
        audit("action.request", requester, request, Map.of("needs", approval
                .map(a -> a.count() + " approval(s) from " + a.role()).orElse("no approval")));
        return Optional.of(request);
    }

    /**
     * Records a run a runbook schedule starts: with the values written in the schedule, no
     * approval (the schedule itself is reviewed where the runbook is), the schedule as requester
     * and "run by schedule" as the reason, so the audit says who started it. Ready to
     * {@link #claim} and {@link #run} at once.
     *
     * @param schedule the schedule's actor, {@code schedule:<cron>}
     */
    public ActionRequest requestBySchedule(Target target, Map<String, String> values, String schedule, String channel)
            throws InvalidParameters {
        ActionPlan plan = plan(target, values);
        long id = store.insert(new ActionStore.NewRequest(plan.runbook(), plan.action(), plan.title(), plan.params(),
                masker.mask(plan.whatRuns()), plan.hash(), schedule, BY_SCHEDULE, channel, Optional.empty(), 0, false,
                now(), Optional.empty()));
        ActionRequest request = store.find(id).orElseThrow();
        audit("action.request", schedule, request, Map.of("needs", "no approval: " + BY_SCHEDULE));
        return request;
    }

    /**
     * Break glass: a named member of the {@code emergency} role runs the action without
     * approval, with a mandatory reason. Recorded as such.
     */
    public ActionRequest breakGlass(Target target, Map<String, String> values, String user, String reason,
                                    String channel) throws InvalidParameters, NotAllowed {
        if (!namedMember(EMERGENCY_ROLE, user)) {
            throw new NotAllowed(roles.get().containsKey(EMERGENCY_ROLE)
                    ? "break glass is for named members of the `emergency` role, and you are not one"
                    : "break glass needs an `emergency` role in opsbot.yaml, and there is none");
        }
        if (reason == null || reason.isBlank()) {
            throw new NotAllowed("break glass needs a reason: say why this cannot wait for an approval");
        }
        ActionPlan plan = plan(target, values);
        long id = store.insert(new ActionStore.NewRequest(plan.runbook(), plan.action(), plan.title(), plan.params(),
                masker.mask(plan.whatRuns()), plan.hash(), user, reason.strip(), channel,
                target.action().approval().map(Action.Approval::role), 0, true, now(), Optional.empty()));
        ActionRequest request = store.find(id).orElseThrow();
        audit("action.break-glass", user, request, Map.of());
        return request;
    }

    /**
     * Break glass on a request that is waiting for approval: a named member of the
     * {@code emergency} role runs it now, with a mandatory reason. Returns the request claimed
     * for running (call {@link #run}); empty when another click got there first.
     */
    public Optional<ActionRequest> breakGlass(long id, String user, String reason) throws NotAllowed {
        if (!namedMember(EMERGENCY_ROLE, user)) {
            throw new NotAllowed("break glass is for named members of the `emergency` role, and you are not one");
        }
        if (reason == null || reason.isBlank()) {
            throw new NotAllowed("break glass needs a reason: say why this cannot wait for an approval");
        }
        ActionRequest r = store.find(id).orElseThrow(() -> new IllegalArgumentException("no action request " + id));
        if (r.state() != ActionRequest.State.PENDING) {
            throw new NotAllowed(closedText(r));
        }
        Optional<String> changed = changedSince(r);
        if (changed.isPresent()) {
            throw new NotAllowed(changed.get());
        }
        if (!store.breakGlass(id, user, reason.strip())) {
            throw new NotAllowed(closedText(store.find(id).orElseThrow()));
        }
        ActionRequest broken = store.find(id).orElseThrow();
        audit("action.break-glass", user, broken, Map.of("break_glass_reason", reason.strip()));
        return claim(broken);
    }

    /** Why an approval was not recorded, or what it led to. */
    public sealed interface Approval {
        ActionRequest request();

        /** Not counted; {@code why} is for the clicker alone. */
        record Refused(ActionRequest request, String why) implements Approval {
        }

        /** Counted; more approvers are needed. */
        record Counted(ActionRequest request, int have, int need) implements Approval {
        }

        /** Counted, the quorum is complete and this caller won the run: call {@link #run}. */
        record Approved(ActionRequest request) implements Approval {
        }

        /** Rejected with a reason; it will never run. */
        record Rejected(ActionRequest request) implements Approval {
        }
    }

    /**
     * @param planHash the hash of the plan the approver was shown (it rides on the button)
     */
    public Approval approve(long id, String planHash, String approver) {
        ActionRequest r = store.find(id).orElseThrow(() -> new IllegalArgumentException("no action request " + id));
        Instant now = now();
        if (r.state() != ActionRequest.State.PENDING) {
            return new Approval.Refused(r, closedText(r));
        }
        if (r.expiresAt().isPresent() && !now.isBefore(r.expiresAt().get())) {
            expireDue();
            return new Approval.Refused(store.find(id).orElseThrow(), "this request expired; ask for it again with " + again(r));
        }
        if (r.requester().equals(approver)) {
            return new Approval.Refused(r, "you asked for this " + (r.isAction() ? "action" : r.kind()) + ", so someone else must approve it");
        }
        String role = r.approverRole().orElse("");
        if (!namedMember(role, approver)) {
            return new Approval.Refused(r, "only named members of the `" + role + "` role may approve this"
                    + (roles.get().getOrDefault(role, List.of()).stream().anyMatch(m -> m.startsWith("@"))
                    ? " (members of a user group listed there do not count)" : ""));
        }
        if (!r.planHash().equals(planHash)) {
            return new Approval.Refused(r, "this button belongs to a different version of the request; nothing was approved");
        }
        Optional<String> changed = changedSince(r);
        if (changed.isPresent()) {
            return new Approval.Refused(r, changed.get());
        }
        if (r.approvers().contains(approver)) {
            return new Approval.Refused(r, "you already approved this; " + (r.needed() - r.approvers().size())
                    + " more approval(s) needed");
        }
        if (!store.approve(id, approver, planHash, now.toEpochMilli())) {
            ActionRequest now2 = store.find(id).orElseThrow();
            return new Approval.Refused(now2, now2.approvers().contains(approver) ? "you already approved this"
                    : closedText(now2));
        }
        ActionRequest after = store.find(id).orElseThrow();
        audit("action.approve", approver, after, Map.of("approvals", after.approvers().size(), "needed", after.needed()));
        if (after.approvers().size() < after.needed()) {
            return new Approval.Counted(after, after.approvers().size(), after.needed());
        }
        return claim(after).<Approval>map(Approval.Approved::new)
                // Another approver's click completed the quorum at the same moment and runs it.
                .orElseGet(() -> new Approval.Counted(store.find(id).orElseThrow(), after.needed(), after.needed()));
    }

    /** Rejects with a reason; refused for anyone but a named approver (or the requester withdrawing). */
    public Approval reject(long id, String by, String reason) {
        ActionRequest r = store.find(id).orElseThrow(() -> new IllegalArgumentException("no action request " + id));
        if (r.state() != ActionRequest.State.PENDING) {
            return new Approval.Refused(r, closedText(r));
        }
        String role = r.approverRole().orElse("");
        if (!by.equals(r.requester()) && !namedMember(role, by)) {
            return new Approval.Refused(r, "only named members of the `" + role + "` role (or the requester) may reject this");
        }
        if (reason == null || reason.isBlank()) {
            return new Approval.Refused(r, "a rejection needs a reason");
        }
        if (!store.reject(id, by, reason.strip(), now().toEpochMilli())) {
            return new Approval.Refused(store.find(id).orElseThrow(), closedText(store.find(id).orElseThrow()));
        }
        ActionRequest after = store.find(id).orElseThrow();
        audit("action.reject", by, after, Map.of("reason", reason.strip()));
        return new Approval.Rejected(after);
    }

    /**
     * Withdraws a waiting request because what asked for it was called off (its procedure was
     * cancelled by {@code by}): it is closed as rejected, {@link ActionRequest#withdrawn()}, and
     * will never run. Unlike {@link #reject} it needs no approver: the one who called the work
     * off decides. Empty when the request was no longer waiting.
     */
    public Optional<ActionRequest> withdraw(long id, String by, String why) {
        if (!store.withdraw(id, by, why, now().toEpochMilli())) {
            return Optional.empty();
        }
        ActionRequest after = store.find(id).orElseThrow();
        audit("action.withdraw", by, after, Map.of("reason", why));
        return Optional.of(after);
    }

    /**
     * PENDING → RUNNING, for the one caller that wins; empty for everyone else (and while the
     * quorum is incomplete).
     */
    public Optional<ActionRequest> claim(ActionRequest r) {
        long now = now().toEpochMilli();
        // The claimer starts the run at once, and extends the deadline while it runs.
        if (!store.claimRun(r.id(), now, now + RUN_LEASE.toMillis())) {
            return Optional.empty();
        }
        return store.find(r.id());
    }

    /**
     * Runs a request this caller {@link #claim claimed}, once, and records how it ended. The
     * plan is rebuilt from the current runbook and must still have the approved hash.
     */
    public RanRequest run(ActionRequest claimed, String actor) {
        if (claimed.state() != ActionRequest.State.RUNNING) {
            throw new IllegalStateException("request " + claimed.id() + " was not claimed");
        }
        ActionResult result;
        Optional<ActionPlan> plan = claimed.isAction() ? currentPlan(claimed) : Optional.empty();
        if (!claimed.isAction()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("approvers", claimed.approvers());
            details.put("break_glass", claimed.breakGlass());
            audit("action.run", actor, claimed, details);
            result = work.get(claimed.kind()).carryOut(claimed);
        } else if (plan.isEmpty() || !plan.get().hash().equals(claimed.planHash())) {
            result = new ActionResult(false, "not run: the action changed in its runbook after it was requested", "");
        } else {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("approvers", claimed.approvers());
            details.put("break_glass", claimed.breakGlass());
            audit("action.run", actor, claimed, details);
            running.add(claimed.id());
            try {
                result = runner.run(plan.get());
            } finally {
                running.remove(claimed.id());
            }
        }
        ActionRequest.State end = result.succeeded() ? ActionRequest.State.SUCCEEDED : ActionRequest.State.FAILED;
        store.finish(claimed.id(), end, result.summary(), now().toEpochMilli());
        ActionRequest after = store.find(claimed.id()).orElseThrow();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("outcome", end.name().toLowerCase(java.util.Locale.ROOT));
        details.put("result", result.summary());
        audit("action.result", "system", after, details);
        return new RanRequest(after, result);
    }

    /** A finished request and what its run produced. */
    public record RanRequest(ActionRequest request, ActionResult result) {
    }

    public Optional<ActionRequest> find(long id) {
        return store.find(id);
    }

    public void attachMessage(ActionRequest r, long messageId) {
        store.setMessage(r.id(), messageId);
    }

    /** Pending requests past their expiry, now EXPIRED and audited. */
    public List<ActionRequest> expireDue() {
        List<ActionRequest> expired = store.expireDue(now().toEpochMilli());
        expired.forEach(r -> audit("action.expire", "system", r, Map.of("approvals", r.approvers().size(), "needed", r.needed())));
        return expired;
    }

    /**
     * Tells the other replicas that this process's runs are still being carried out: call it
     * well within {@link #RUN_LEASE}.
     */
    public void keepRunsAlive() {
        store.extendRuns(Set.copyOf(running), now().plus(RUN_LEASE).toEpochMilli());
    }

    /**
     * Runs that no process carries out any more (their {@link #RUN_LEASE} ran out unextended),
     * now INTERRUPTED and audited; never run again.
     */
    public List<ActionRequest> interruptAbandoned() {
        List<ActionRequest> stopped = store.interrupt(now().toEpochMilli());
        stopped.forEach(r -> audit("action.interrupted", "system", r, Map.of()));
        return stopped;
    }

    /**
     * Requests waiting for a decision that {@code user} may approve: a named member of the
     * approver role, not the requester, who has not approved yet (oldest first).
     */
    public List<ActionRequest> waitingFor(String user) {
        return store.pending(PENDING_LIMIT).stream()
                .filter(r -> !r.breakGlass() && r.approverRole().isPresent() && !r.requester().equals(user)
                        && !r.approvers().contains(user) && namedMember(r.approverRole().get(), user))
                .toList();
    }

    /** {@code user}'s own requests that still wait for approval (oldest first). */
    public List<ActionRequest> pendingOf(String user) {
        return store.pending(PENDING_LIMIT).stream()
                .filter(r -> !r.breakGlass() && r.requester().equals(user))
                .toList();
    }

    /** Whether {@code user} is listed by id (not through a user group) under {@code role}. */
    public boolean namedMember(String role, String user) {
        return roles.get().getOrDefault(role, List.of()).stream().anyMatch(m -> !m.startsWith("@") && m.equals(user));
    }

    private Optional<ActionPlan> currentPlan(ActionRequest r) {
        try {
            return Optional.of(plan(find(r.reference()), r.params()));
        } catch (InvalidParameters e) {
            return Optional.empty();
        }
    }

    private Optional<String> changedSince(ActionRequest r) {
        if (!r.isAction()) {
            return Optional.empty();
        }
        Optional<ActionPlan> plan = currentPlan(r);
        if (plan.isEmpty() || !plan.get().hash().equals(r.planHash())) {
            return Optional.of("the action changed in its runbook since it was requested, so this approval would"
                    + " not cover what would run; ask for it again with /ops run");
        }
        return Optional.empty();
    }

    /** What a click on a request that no longer waits is told: how it ended, and by whom when someone ended it. */
    public static String closedText(ActionRequest r) {
        return switch (r.state()) {
            case PENDING -> "this request is still waiting for approval";
            case RUNNING -> "this action is already running";
            case SUCCEEDED, FAILED -> "this action already ran";
            case INTERRUPTED -> "this action was interrupted and will not run again; ask for it again with " + again(r);
            case REJECTED -> r.withdrawn()
                    ? "this request was withdrawn" + r.decidedBy().map(b -> " by <@" + b + ">").orElse("")
                    + r.decisionNote().map(n -> ": " + n).orElse("") + "; it will not run"
                    : "this request was rejected" + r.decidedBy().map(b -> " by <@" + b + ">").orElse("");
            case EXPIRED -> "this request expired; ask for it again with " + again(r);
        };
    }

    private static String again(ActionRequest r) {
        return r.isAction() ? "/ops run" : "/ops " + r.kind();
    }

    // A request of another kind is audited under its own name: maintenance.approve, maintenance.run, ...
    private void audit(String what, String actor, ActionRequest r, Map<String, ?> extra) {
        if (!r.isAction()) {
            what = r.kind() + what.substring(what.indexOf('.'));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", r.id());
        details.put("params", r.params());
        details.put("runs", r.plan());
        details.put("plan_hash", r.planHash());
        details.put("reason", r.reason());
        details.putAll(extra);
        audit.append(actor, what, r.reference(), details);
    }

    private Instant now() {
        return clock.instant();
    }

    private static Supplier<Map<String, List<String>>> fixed(Map<String, List<String>> roles) {
        Map<String, List<String>> copy = Map.copyOf(roles);
        return () -> copy;
    }
}
