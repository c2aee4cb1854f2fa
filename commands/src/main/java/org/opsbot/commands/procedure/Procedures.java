package org.opsbot.commands.procedure;

import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.ProgressListener;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.ProcedureRun;
import org.opsbot.commands.model.ProcedureStep;
import org.opsbot.commands.model.Status;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Procedure;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecks;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.ProcedureStore;
import org.opsbot.commands.yaml.Suggestions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs runbook procedures step by step, with their state in the database: a manual step waits
 * for a person's tick, a check step runs some of the runbook's checks (a CRIT or an ERROR stops
 * the procedure), an action step asks for its action under the action's own approval rule, with
 * the person who started the procedure as the requester, and waits until the request ends.
 *
 * <p>A process works on a RUNNING procedure only while it holds its claim, which it extends
 * ({@link #sweep}) while it works; a procedure whose process died is taken over by the next
 * sweep after {@link #LEASE} and resumes the step it was on. Every step is audited, against the
 * incident when the procedure was started for one, so its timeline shows them. No Slack here:
 * the {@link Listener} turns changes into messages.
 */
public final class Procedures {
    /** How long a claim lasts without word from its process; sweeps extend it well within. */
    public static final Duration LEASE = Duration.ofSeconds(15);
    private static final String BOT = "opsbot";
    /** A cancelled procedure's outcome: these words, then who cancelled it (a Slack user id). */
    public static final String CANCELLED_BY = "cancelled by ";
    private static final DateTimeFormatter ENDED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** What the bot shows and posts as a procedure moves on. */
    public interface Listener {
        /** The procedure or one of its steps changed: show it again. */
        void changed(View view);

        /**
         * An action step asked for its action: post the request (it runs at once when it needs no
         * approval). Said again, for the same request, when a process died before the request
         * got its message, so posting must be once per request.
         */
        void actionRequested(ProcedureRun run, ActionRequest request);

        /**
         * The request an action step waited on was withdrawn because the procedure was
         * cancelled: redraw its message, which must no longer offer its buttons.
         */
        void requestWithdrawn(ProcedureRun run, ActionRequest request);
    }

    /** A started procedure and its steps as they are now. */
    public record View(ProcedureRun run, List<ProcedureStep> steps) {
        public View {
            steps = List.copyOf(steps);
        }

        /** The step waiting for a tick, if the procedure waits on a manual step. */
        public Optional<ProcedureStep> waitingManual() {
            return run.state() != ProcedureRun.State.WAITING || run.currentStep() >= steps.size() ? Optional.empty()
                    : Optional.of(steps.get(run.currentStep())).filter(s -> s.kind() == ProcedureStep.Kind.MANUAL);
        }
    }

    /** A procedure and the runbook it belongs to. */
    public record Target(Runbook runbook, Procedure procedure) {
        public String reference() {
            return runbook.name() + "/" + procedure.name();
        }
    }

    /** What became of a click on Done or Cancel. */
    public sealed interface Click {
        /** Nothing changed; {@code why} is for the clicker alone. */
        record Refused(String why) implements Click {
        }

        /** Recorded; for Done, the caller now {@link #advance advances} the procedure. */
        record Accepted(View view) implements Click {
        }
    }

    private final RunbookCatalog catalog;
    private final RunbookChecks checks;
    private final Approvals approvals;
    private final ProcedureStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final Listener listener;
    // The procedures this process works on now, whose claims it keeps extending.
    private final Set<Long> working = ConcurrentHashMap.newKeySet();

    /** Keeps its procedures in {@code db}. */
    public Procedures(RunbookCatalog catalog, RunbookChecks checks, Approvals approvals, Database db, AuditLog audit,
                      Listener listener, Clock clock) {
        this(catalog, checks, approvals, new ProcedureStore(db), audit, listener, clock);
    }

    public Procedures(RunbookCatalog catalog, RunbookChecks checks, Approvals approvals, ProcedureStore store,
                      AuditLog audit, Listener listener, Clock clock) {
        this.catalog = catalog;
        this.checks = checks;
        this.approvals = approvals;
        this.store = store;
        this.audit = audit;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * Finds {@code runbook/procedure}, or a bare procedure name when exactly one runbook has it.
     *
     * @throws InvalidParameters saying what exists instead
     */
    public Target find(String reference) throws InvalidParameters {
        int slash = reference.indexOf('/');
        List<Target> all = all();
        List<Target> matches = all.stream().filter(t -> slash < 0 ? t.procedure().name().equals(reference)
                : t.reference().equals(reference)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new InvalidParameters(List.of("several runbooks have a procedure " + reference + ": "
                    + String.join(", ", matches.stream().map(Target::reference).toList()) + "; name one of them"));
        }
        List<String> known = all.stream().map(Target::reference).toList();
        List<String> close = Suggestions.closestFew(reference, known);
        throw new InvalidParameters(List.of("there is no procedure " + reference
                + (close.isEmpty() ? (known.isEmpty() ? "; no runbook defines procedures" : "; procedures: " + String.join(", ", known))
                : "; did you mean " + String.join(" or ", close) + "?")));
    }

    /** Every procedure of every runbook, for listings. */
    public List<Target> all() {
        List<Target> all = new ArrayList<>();
        catalog.all().forEach(r -> r.procedures().forEach(p -> all.add(new Target(r, p))));
        return all;
    }

    /**
     * Checks the values given for a start: only the procedure's {@code params}, each one an
     * action step needs, and every action step's values acceptable to its action.
     */
    public void validate(Target target, Map<String, String> values) throws InvalidParameters {
        List<String> problems = new ArrayList<>();
        Procedure p = target.procedure();
        for (String name : values.keySet()) {
            if (!p.params().contains(name)) {
                problems.add(p.params().isEmpty() ? name + " is not a parameter: " + target.reference() + " takes none"
                        : name + " is not a parameter of " + target.reference() + " (it takes " + String.join(", ", p.params()) + ")"
                        + Suggestions.closest(name, p.params()).map(s -> "; did you mean " + s + "?").orElse(""));
            }
        }
        for (Procedure.Step step : p.steps()) {
            if (step instanceof Procedure.ActionStep a) {
                Action action = target.runbook().action(a.action()).orElseThrow();
                try {
                    approvals.plan(new Approvals.Target(target.runbook(), action), values(a, action, values));
                } catch (InvalidParameters e) {
                    e.problems().stream().filter(x -> !problems.contains(x)).forEach(problems::add);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidParameters(problems);
        }
    }

    /**
     * Records a new procedure, held by this process: post its message ({@link #attachMessage}),
     * then {@link #advance} it on a worker.
     *
     * @param incident the incident it is run for, whose timeline shows its steps
     */
    public View start(Target target, Map<String, String> values, String user, String channel, Optional<Long> incident)
            throws InvalidParameters {
        validate(target, values);
        Instant now = clock.instant();
        List<ProcedureStore.NewStep> steps = target.procedure().steps().stream()
                .map(s -> new ProcedureStore.NewStep(kind(s), text(target.runbook(), s))).toList();
        long id = store.insert(target.runbook().name(), target.procedure().name(), target.procedure().title(), user, channel,
                incident, values, steps, now.toEpochMilli(), now.plus(LEASE).toEpochMilli());
        // Held for one lease without being extended: a caller that fails before it advances the
        // procedure leaves it to the next sweep rather than holding it forever.
        View view = view(id).orElseThrow();
        Map<String, Object> details = details(view.run());
        details.put("params", values);
        details.put("steps", steps.size());
        audit.append(user, "procedure.start", subject(view.run()), details);
        return view;
    }

    public Optional<View> view(long id) {
        return store.find(id).map(r -> new View(r, store.steps(id)));
    }

    /** Procedures still going, oldest first. */
    public List<View> active() {
        return store.active().stream().map(r -> new View(r, store.steps(r.id()))).toList();
    }

    public void attachMessage(long id, long messageId) {
        store.setMessage(id, messageId);
    }

    /**
     * Works through the steps of a procedure this process holds (after {@link #start}, an
     * accepted Done, or a {@link #sweep}) until one waits or the procedure ends. Blocks while a
     * check step runs: call it on a worker.
     */
    public void advance(long id) {
        working.add(id);
        try {
            while (step(id)) {
                // the next step
            }
        } finally {
            working.remove(id);
        }
    }

    /** Does the current step; true when the procedure moved on to the next and is still held. */
    private boolean step(long id) {
        ProcedureRun run = store.find(id).orElseThrow();
        if (run.state() != ProcedureRun.State.RUNNING) {
            return false;
        }
        Optional<Target> target = target(run);
        if (target.isEmpty()) {
            end(run, ProcedureRun.State.FAILED, "the procedure is no longer in runbook " + run.runbook(), BOT, "procedure.stop");
            return false;
        }
        List<Procedure.Step> steps = target.get().procedure().steps();
        int i = run.currentStep();
        if (i >= steps.size()) {
            if (store.succeed(id, steps.size(), now())) {
                audit.append(BOT, "procedure.finish", subject(run), details(run));
                changed(id);
            }
            return false;
        }
        return switch (steps.get(i)) {
            case Procedure.Manual m -> {
                if (store.waitOn(id, i, Optional.empty(), now())) {
                    changed(id);
                }
                yield false;
            }
            case Procedure.Checks c -> checkStep(run, target.get(), i, c);
            case Procedure.ActionStep a -> actionStep(run, target.get(), i, a);
        };
    }

    private boolean checkStep(ProcedureRun run, Target target, int i, Procedure.Checks step) {
        if (!store.stepRunning(run.id(), i, now())) {
            return false;
        }
        changed(run.id());
        RunbookChecks.RecordedRun ran = checks.run(target.runbook().withChecks(step.names()), run.startedBy(), ProgressListener.NONE);
        Status status = ran.report().status();
        List<String> bad = ran.report().results().stream()
                .filter(r -> r.status() == Status.CRIT || r.status() == Status.ERROR)
                .map(r -> r.name() + " " + r.status() + ": " + r.message()).toList();
        String note = status + " — " + ran.report().summary() + " (check run #" + ran.id() + ")";
        if (!bad.isEmpty()) {
            String why = "stopped at step " + (i + 1) + ": " + String.join("; ", bad);
            if (store.stepFailed(run.id(), i, ProcedureRun.State.RUNNING, note + ": " + String.join("; ", bad), why, now())) {
                stepAudit(BOT, run, i, "failed", note);
                audit.append(BOT, "procedure.stop", subject(run), withOutcome(run, why));
                changed(run.id());
            }
            return false;
        }
        if (!store.stepDone(run.id(), i, ProcedureRun.State.RUNNING, BOT, note, now(), leaseEnd())) {
            return false;
        }
        stepAudit(BOT, run, i, "done", note);
        changed(run.id());
        return true;
    }

    private boolean actionStep(ProcedureRun run, Target target, int i, Procedure.ActionStep step) {
        Action action = target.runbook().action(step.action()).orElse(null);
        Optional<ActionRequest> made;
        try {
            if (action == null) {
                throw new InvalidParameters(List.of("runbook " + run.runbook() + " has no action " + step.action() + " any more"));
            }
            // The request and the step waiting for it are one transaction: recorded apart, a
            // crash between them left a request that no step knew of, and the resumed step asked
            // again, so two requests could be approved and the action run twice.
            made = approvals.request(new Approvals.Target(target.runbook(), action), values(step, action, run.params()),
                    run.startedBy(), "step " + (i + 1) + " of procedure " + run.reference() + " (#" + run.id() + ")", run.channel(),
                    newRequest -> store.waitOnNewRequest(run.id(), i, newRequest));
        } catch (InvalidParameters e) {
            String why = "stopped at step " + (i + 1) + ": " + String.join("; ", e.problems());
            if (store.stepFailed(run.id(), i, ProcedureRun.State.RUNNING, String.join("; ", e.problems()), why, now())) {
                stepAudit(BOT, run, i, "failed", why);
                audit.append(BOT, "procedure.stop", subject(run), withOutcome(run, why));
                changed(run.id());
            }
            return false;
        }
        if (made.isEmpty()) {
            return false;
        }
        ActionRequest request = made.get();
        stepAudit(run.startedBy(), run, i, "requested", "action request #" + request.id());
        changed(run.id());
        // Told only now that the request and the wait are stored: a crash from here on leaves
        // a waiting step whose request has no message, which the sweep posts (actionEnded).
        listener.actionRequested(store.find(run.id()).orElseThrow(), request);
        // One that needs no approval has run by now.
        return actionEnded(store.find(run.id()).orElseThrow());
    }

    /**
     * For a procedure waiting on an action step: moves on when its request succeeded (and
     * holds the procedure then), stops it when the request failed, was rejected, expired or
     * was interrupted; nothing while it waits or runs.
     */
    private boolean actionEnded(ProcedureRun run) {
        if (run.state() != ProcedureRun.State.WAITING) {
            return false;
        }
        int i = run.currentStep();
        List<ProcedureStep> steps = store.steps(run.id());
        if (i >= steps.size() || steps.get(i).actionRequest().isEmpty()) {
            return false;
        }
        Optional<ActionRequest> found = approvals.find(steps.get(i).actionRequest().get());
        if (found.isEmpty()) {
            return false;
        }
        ActionRequest r = found.get();
        String note = "request #" + r.id() + " " + r.state().name().toLowerCase(Locale.ROOT)
                + r.outcome().map(o -> ": " + o).orElse("")
                + (r.approvers().isEmpty() ? "" : " (approved by " + String.join(", ", r.approvers()) + ")");
        if (r.withdrawn()) {
            // Withdrawn by a Cancel whose process died before it ended the procedure.
            String by = r.decidedBy().orElse(BOT);
            if (store.end(run.id(), ProcedureRun.State.CANCELLED, CANCELLED_BY + by, now())) {
                audit.append(by, "procedure.cancel", subject(run), details(run));
                changed(run.id());
                listener.requestWithdrawn(run, r);
            }
            return false;
        }
        switch (r.state()) {
            case SUCCEEDED -> {
                String by = r.approvers().isEmpty() ? r.requester() : String.join(",", r.approvers());
                if (store.stepDone(run.id(), i, ProcedureRun.State.WAITING, by, note, now(), leaseEnd())) {
                    working.add(run.id());
                    stepAudit(BOT, run, i, "done", note);
                    changed(run.id());
                    return true;
                }
                return false;
            }
            case FAILED, INTERRUPTED, REJECTED, EXPIRED -> {
                String why = "stopped at step " + (i + 1) + ": action " + r.reference() + " "
                        + r.state().name().toLowerCase(Locale.ROOT) + r.outcome().map(o -> " (" + o + ")").orElse("")
                        + r.decisionNote().filter(n -> r.state() == ActionRequest.State.REJECTED).map(n -> ": " + n).orElse("");
                if (store.stepFailed(run.id(), i, ProcedureRun.State.WAITING, note, why, now())) {
                    stepAudit(BOT, run, i, "failed", note);
                    audit.append(BOT, "procedure.stop", subject(run), withOutcome(run, why));
                    changed(run.id());
                }
                return false;
            }
            case PENDING -> {
                // Still without a message a lease after it was made, the process that made it
                // stopped before it posted it: post it now (one that needs nobody runs as it is
                // posted). Posting is once per request and a run's claim a conditional update,
                // so a late original post can neither post it twice nor run it twice.
                if (r.messageId().isEmpty() && !r.breakGlass() && r.createdAt().plus(LEASE).isBefore(clock.instant())) {
                    listener.actionRequested(run, r);
                    return actionEnded(store.find(run.id()).orElseThrow());
                }
                return false;
            }
            default -> {
                // RUNNING: the actions feature is carrying it out.
                return false;
            }
        }
    }

    /**
     * {@code user} ticks manual step {@code step}; accepted only while the procedure waits on
     * exactly that step, once. On {@link Click.Accepted} call {@link #advance}.
     */
    public Click done(long id, int step, String user) {
        Optional<ProcedureRun> found = store.find(id);
        if (found.isEmpty()) {
            return new Click.Refused("that procedure no longer exists; nothing was done");
        }
        ProcedureRun run = found.get();
        if (run.state().ended()) {
            return new Click.Refused(ended(run));
        }
        List<ProcedureStep> steps = store.steps(id);
        if (run.state() != ProcedureRun.State.WAITING || run.currentStep() != step || step >= steps.size()
                || steps.get(step).kind() != ProcedureStep.Kind.MANUAL) {
            return new Click.Refused(step < run.currentStep() ? "step " + (step + 1) + " is done already"
                    : "step " + (step + 1) + " is not the one waiting for a tick; the message shows where the procedure is");
        }
        if (!store.stepDone(id, step, ProcedureRun.State.WAITING, user, "done", now(), leaseEnd())) {
            return new Click.Refused("step " + (step + 1) + " is done already");
        }
        working.add(id);
        stepAudit(user, run, step, "done", steps.get(step).text());
        View view = view(id).orElseThrow();
        show(view);
        return new Click.Accepted(view);
    }

    /**
     * Stops a procedure that is still going; a request its action step waits on is withdrawn
     * first, so that no crash can leave a cancelled procedure with a request an approver could
     * still run (a crash after the withdrawal is finished by the sweep, {@link #actionEnded}).
     * A request that is already running is not stopped.
     */
    public Click cancel(long id, String user) {
        Optional<View> before = view(id);
        if (before.isEmpty()) {
            return new Click.Refused("that procedure no longer exists; nothing was done");
        }
        ProcedureRun run = before.get().run();
        if (run.state().ended()) {
            return new Click.Refused(ended(run));
        }
        Optional<ActionRequest> withdrawn = Optional.empty();
        if (run.state() == ProcedureRun.State.WAITING && run.currentStep() < before.get().steps().size()) {
            withdrawn = before.get().steps().get(run.currentStep()).actionRequest()
                    .flatMap(r -> approvals.withdraw(r, user, "procedure #" + id + " (" + run.reference() + ") was cancelled"));
        }
        if (!store.end(id, ProcedureRun.State.CANCELLED, CANCELLED_BY + user, now())) {
            return new Click.Refused(ended(store.find(id).orElse(run)));
        }
        audit.append(user, "procedure.cancel", subject(run), details(run));
        View view = view(id).orElseThrow();
        show(view);
        withdrawn.ifPresent(r -> listener.requestWithdrawn(view.run(), r));
        return new Click.Accepted(view);
    }

    /** What a click on an ended procedure is told: how it ended, and that the click did nothing. */
    private static String ended(ProcedureRun run) {
        if (!run.state().ended()) {
            return "this procedure has moved on; the message shows where it is";
        }
        String how = run.outcome().filter(o -> o.startsWith(CANCELLED_BY))
                .map(o -> "was cancelled by <@" + o.substring(CANCELLED_BY.length()) + ">")
                .orElse("has ended (" + run.state().name().toLowerCase(Locale.ROOT) + ")");
        return "this procedure " + how + run.finishedAt().map(t -> " at " + ENDED_AT.format(t)).orElse("") + "; nothing was done";
    }

    /**
     * Every few seconds, in every replica: extends the claims of the procedures this process
     * works on, takes over those whose process stopped extending theirs, moves on those whose
     * action request ended, and redraws those whose last change was never drawn. Returns the
     * procedures to {@link #advance} now, on a worker.
     */
    public List<Long> sweep() {
        long now = now();
        store.extend(Set.copyOf(working), leaseEnd());
        List<Long> due = new ArrayList<>();
        for (long id : store.abandoned(now)) {
            if (!working.contains(id) && store.claimAbandoned(id, now, leaseEnd())) {
                working.add(id);
                due.add(id);
            }
        }
        for (ProcedureRun run : store.active()) {
            if (run.state() == ProcedureRun.State.WAITING && actionEnded(run)) {
                due.add(run.id());
            }
        }
        for (long id : store.undrawn(now - LEASE.toMillis())) {
            changed(id);
        }
        return due;
    }

    /** Whether this process is working on the procedure now. */
    public boolean working(long id) {
        return working.contains(id);
    }

    // ------------------------------------------------------------------------------------

    private Optional<Target> target(ProcedureRun run) {
        return catalog.find(run.runbook()).flatMap(r -> r.procedure(run.name()).map(p -> new Target(r, p)))
                .filter(t -> t.procedure().steps().size() == store.steps(run.id()).size());
    }

    /** The step's own values, then the procedure's for the parameters it does not write. */
    private static Map<String, String> values(Procedure.ActionStep step, Action action, Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Action.Param p : action.params()) {
            Optional.ofNullable(step.params().get(p.name())).or(() -> Optional.ofNullable(given.get(p.name())))
                    .ifPresent(v -> values.put(p.name(), v));
        }
        return values;
    }

    private static ProcedureStep.Kind kind(Procedure.Step step) {
        return switch (step) {
            case Procedure.Manual m -> ProcedureStep.Kind.MANUAL;
            case Procedure.Checks c -> ProcedureStep.Kind.CHECK;
            case Procedure.ActionStep a -> ProcedureStep.Kind.ACTION;
        };
    }

    private static String text(Runbook runbook, Procedure.Step step) {
        return switch (step) {
            case Procedure.ActionStep a -> runbook.action(a.action()).map(Action::title).orElse(a.action())
                    + (a.params().isEmpty() ? "" : " (" + String.join(", ", a.params().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()) + ")");
            case Procedure.Checks c -> c.all() ? "Run all checks" : "Check: " + String.join(", ", c.names());
            case Procedure.Manual m -> m.text();
        };
    }

    private void end(ProcedureRun run, ProcedureRun.State state, String why, String actor, String action) {
        if (store.end(run.id(), state, why, now())) {
            audit.append(actor, action, subject(run), withOutcome(run, why));
            changed(run.id());
        }
    }

    private void changed(long id) {
        view(id).ifPresent(this::show);
    }

    /** Tells the listener, then notes that the message was drawn from this state. */
    private void show(View view) {
        listener.changed(view);
        shown(view);
    }

    /**
     * The message of the procedure was drawn from {@code view} (the bot's first post of it, or a
     * {@link Listener#changed} that returned): a change that was not drawn is drawn again by the
     * next {@link #sweep} a lease after it was made, so a process killed between a change and its
     * redraw cannot leave the message stale (a manual step waiting without its Done button).
     */
    public void shown(View view) {
        store.drawn(view.run().id(), view.run().version());
    }

    private void stepAudit(String actor, ProcedureRun run, int step, String outcome, String note) {
        Map<String, Object> details = details(run);
        details.put("step", step + 1);
        details.put("text", store.steps(run.id()).get(step).text());
        details.put("outcome", outcome);
        details.put("note", note);
        audit.append(actor, "procedure.step", subject(run), details);
    }

    /** Against the incident when there is one, so its timeline shows the procedure; else the procedure itself. */
    private static String subject(ProcedureRun run) {
        return run.incident().map(i -> Subject.incident(i).toString()).orElse(run.reference());
    }

    private static Map<String, Object> details(ProcedureRun run) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("procedure", run.reference());
        details.put("run", run.id());
        return details;
    }

    private static Map<String, Object> withOutcome(ProcedureRun run, String why) {
        Map<String, Object> details = details(run);
        details.put("outcome", why);
        return details;
    }

    private long now() {
        return clock.instant().toEpochMilli();
    }

    private long leaseEnd() {
        return clock.instant().plus(LEASE).toEpochMilli();
    }
}
