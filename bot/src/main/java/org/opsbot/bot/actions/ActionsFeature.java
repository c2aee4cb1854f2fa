package org.opsbot.bot.actions;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.context.Context;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.text.BroadcastGuard;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.approval.NotAllowed;
import org.opsbot.commands.approval.ScheduledActionAlerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runbook actions in Slack: {@code /ops run}, {@code /ops breakglass}, {@code /ops audit}, the
 * Approve, Reject and Break glass buttons, the Run form and the reason forms. It owns the action ids
 * and view callback ids of {@link ActionMessages}. A background sweep expires requests nobody
 * approved and marks runs abandoned by a dead process as interrupted.
 */
public final class ActionsFeature implements SlackFeature {
    private static final Logger LOG = LoggerFactory.getLogger(ActionsFeature.class);
    // As Bolt writes a view itself.
    private static final com.google.gson.Gson VIEWS = com.slack.api.util.json.GsonFactory.createSnakeCase();
    // Well within Approvals.RUN_LEASE: each sweep first extends this process's running runs.
    static final Duration SWEEP = Duration.ofSeconds(5);
    /** The permission keys of its commands, which the Run… button and form decide on too. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(RunCommand.PERMISSION, AuditCommand.PERMISSION);
    static final String NO_SUCH_REQUEST = ":no_entry: That request no longer exists; nothing was done.";
    // Request ids are positive; a value that fits no long names none.
    private static final long NO_ID = -1;
    private static final Pattern REQUEST_ID = Pattern.compile("[1-9]\\d{0,17}");
    private static final Pattern BUTTON_VALUE = Pattern.compile("([1-9]\\d{0,17}):([0-9a-f]{1,128})");

    private final Approvals approvals;
    private final AuditLog audit;
    private final Supplier<OpsbotConfig> config;
    private final Outbox outbox;
    private final AccessPolicy policy;
    private final GroupDirectory groups;
    private final Executor executor;
    private final Runs runs;
    private final Optional<ScheduledActions> scheduled;

    public ActionsFeature(Approvals approvals, AuditLog audit, Supplier<OpsbotConfig> config, Outbox outbox, AccessPolicy policy,
                          GroupDirectory groups, Executor executor) {
        this(approvals, audit, config, outbox, policy, groups, executor, Optional.empty());
    }

    /**
     * @param scheduled runs the runbooks' scheduled actions when given: the replica's schedule
     *                  claims, the failed runs' alerts, and where those alerts are raised
     */
    public ActionsFeature(Approvals approvals, AuditLog audit, Supplier<OpsbotConfig> config, Outbox outbox, AccessPolicy policy,
                          GroupDirectory groups, Executor executor, Optional<Scheduling> scheduled) {
        this.approvals = approvals;
        this.audit = audit;
        this.config = config;
        this.outbox = outbox;
        this.policy = policy;
        this.groups = groups;
        this.executor = executor;
        this.runs = new Runs(approvals, outbox, config.get().roles().getOrDefault(Approvals.EMERGENCY_ROLE, List.of()).stream()
                .anyMatch(m -> !m.startsWith("@")));
        // Only runs whose lease ran out, on SQLite too: a RUNNING run may be another live
        // process's (two processes on one file), and one cut off by a crash is found by the
        // sweep within RUN_LEASE anyway.
        approvals.interruptAbandoned().forEach(runs::closedBySweep);
        this.scheduled = scheduled.map(s -> new ScheduledActions(approvals, runs, s.schedules(), s.alerts(), s.raise(),
                config, executor));
    }

    /** What running scheduled actions takes beyond running actions. */
    public record Scheduling(RunbookSchedules schedules, ScheduledActionAlerts alerts, Consumer<Notification> raise) {
    }

    /** A Run… button that opens the form of {@code runbook/action}; for other features' messages. */
    public static ButtonElement runButton(String reference) {
        return ActionMessages.runButton(reference);
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(new RunCommand(this, false), new RunCommand(this, true), new AuditCommand(audit),
                new ApprovalsCommand(approvals));
    }

    /** The engine behind it, for features that ask for actions of their own (procedures). */
    public Approvals approvals() {
        return approvals;
    }

    /**
     * Posts a request another feature made (a procedure's action step), as {@code /ops run} posts
     * its own: one that needs no approval runs now, on the calling thread; one that does waits for
     * its approvers' clicks. Call it on a worker.
     *
     * @param askedIn where the requester is told where the request went
     */
    public void post(ActionRequest request, String askedIn) {
        runs.started(request, askedIn);
    }

    /** Redraws a request another feature withdrew (a cancelled procedure's), without its buttons. */
    public void withdrawn(ActionRequest request) {
        runs.withdrawn(request);
    }

    /**
     * On the executor: records a request of another kind than an action (ad hoc maintenance) and
     * posts it to the team's channel with the same Approve and Reject buttons, so it is approved,
     * rejected and expired exactly as an action request is.
     *
     * @param askedIn where the requester is told where the request went
     */
    public void request(Approvals.Other other, String team, String user, String reason, String askedIn) {
        try {
            String channel = Optional.ofNullable(config.get().teams().get(team)).flatMap(Team::channel)
                    .or(() -> config.get().slack().defaultChannel())
                    .orElse(askedIn);
            runs.started(approvals.request(other, user, reason, channel), askedIn);
        } catch (RuntimeException e) {
            outbox.ephemeral(askedIn, user, SlackMessage.text(DatabaseDown.answer(LOG, e,
                    other.kind() + " request for " + user, ":warning: Asking for approval of " + SlackText.plain(other.title(), 150)
                            + " failed unexpectedly; the details are in opsbot's log.")));
        }
    }

    boolean knows(String reference) {
        try {
            approvals.find(reference);
            return true;
        } catch (InvalidParameters e) {
            return false;
        }
    }

    void checkEmergency(String user) throws NotAllowed {
        if (!approvals.namedMember(Approvals.EMERGENCY_ROLE, user)) {
            throw new NotAllowed(config.get().roles().containsKey(Approvals.EMERGENCY_ROLE)
                    ? "break glass is for people listed by name under the `emergency` role, and you are not one of them"
                    : "break glass needs an `emergency` role in opsbot.yaml, and there is none");
        }
    }

    /** The team's channel, else the default channel, else where the request was made. */
    String channelFor(Approvals.Target target, String askedIn) {
        return Optional.ofNullable(config.get().teams().get(target.runbook().team())).flatMap(Team::channel)
                .or(() -> config.get().slack().defaultChannel())
                .orElse(askedIn);
    }

    /** On the executor: records the request, posts it, and runs it when it needs nobody else. */
    void start(Approvals.Target target, Map<String, String> values, String user, String reason, String askedIn,
               boolean breakGlass) {
        try {
            String channel = channelFor(target, askedIn);
            ActionRequest r = breakGlass
                    ? approvals.breakGlass(target, values, user, reason, channel)
                    : approvals.request(target, values, user, reason, channel);
            runs.started(r, askedIn);
        } catch (InvalidParameters e) {
            outbox.ephemeral(askedIn, user, ActionMessages.problems(target.reference(), e.problems(), true));
        } catch (NotAllowed e) {
            outbox.ephemeral(askedIn, user, SlackMessage.text(":no_entry: " + SlackText.person(e.getMessage())));
        } catch (RuntimeException e) {
            outbox.ephemeral(askedIn, user, SlackMessage.text(DatabaseDown.answer(LOG, e,
                    "action " + target.reference() + " for " + user, ":warning: Requesting " + SlackText.plain(target.action().title(), 150)
                            + " failed unexpectedly; the details are in opsbot's log.")));
        }
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("action", ActionMessages.LEGACY_IDS)
                .button(ActionMessages.APPROVE, this::approve)
                .button(ActionMessages.REJECT, this::reject)
                .button(ActionMessages.BREAK_GLASS, this::breakGlass)
                .button(ActionMessages.OPEN, this::openForm)
                .form(ActionMessages.PARAMS_VIEW, this::request)
                .form(ActionMessages.REJECT_VIEW, this::confirmReject)
                .form(ActionMessages.BREAK_GLASS_VIEW, this::confirmBreakGlass);
    }

    /** Approve: recorded, and run once the quorum is reached, after the ack. */
    private Response approve(BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        Button b = Button.of(p);
        executor.execute(() -> guarded(b, () -> {
            if (existing(b.requestId(), "Approve", b.user()).isEmpty()) {
                outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(NO_SUCH_REQUEST));
            } else {
                runs.decided(approvals.approve(b.requestId(), b.hash(), b.user()), b.user(), b.channel());
            }
        }));
        return ctx.ack();
    }

    /** Reject…: opens the reason form for those who may reject. */
    private Response reject(BlockActionRequest req, ActionContext ctx) {
        Button b = Button.of(req.getPayload());
        Optional<ActionRequest> r = existing(b.requestId(), "Reject", b.user());
        if (r.isEmpty()) {
            outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(NO_SUCH_REQUEST));
        } else if (r.get().state() != ActionRequest.State.PENDING) {
            closedClick(b, r.get());
        } else if (!b.user().equals(r.get().requester())
                && !approvals.namedMember(r.get().approverRole().orElse(""), b.user())) {
            outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(":no_entry: Only named members of the "
                    + SlackText.code(r.get().approverRole().orElse("?")) + " role (or the requester) may reject this."));
        } else {
            openModal(ctx, req.getPayload().getTriggerId(), ActionMessages.rejectForm(r.get()), b.channel(), b.user());
        }
        return ctx.ack();
    }

    /** Break glass…: opens the reason form for named members of the emergency role. */
    private Response breakGlass(BlockActionRequest req, ActionContext ctx) {
        Button b = Button.of(req.getPayload());
        Optional<ActionRequest> r = existing(b.requestId(), "Break glass", b.user());
        try {
            checkEmergency(b.user());
            if (r.isEmpty()) {
                outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(NO_SUCH_REQUEST));
            } else if (r.get().state() != ActionRequest.State.PENDING) {
                closedClick(b, r.get());
            } else {
                openModal(ctx, req.getPayload().getTriggerId(), ActionMessages.breakGlassForm(r.get()), b.channel(), b.user());
            }
        } catch (NotAllowed e) {
            outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(":no_entry: " + SlackText.person(e.getMessage())));
        }
        return ctx.ack();
    }

    /**
     * A click on a request that no longer waits: the clicker is told how it ended, and the
     * message, which still showed the button, is drawn again as it is now.
     */
    private void closedClick(Button b, ActionRequest r) {
        outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(":no_entry: " + SlackText.person(Approvals.closedText(r))));
        runs.redraw(r);
    }

    /** The break glass form: claims the request and runs it now; a refusal shows in the form. */
    private Response confirmBreakGlass(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        View view = req.getPayload().getView();
        String user = req.getPayload().getUser().getId();
        long id = requestId(view.getPrivateMetadata());
        if (existing(id, "the break glass form", user).isEmpty()) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, NO_SUCH_REQUEST));
        }
        String reason = reason(view);
        // Two conditional UPDATEs: quick enough to answer inside the modal, so a refusal shows there.
        Optional<ActionRequest> claimed;
        try {
            claimed = approvals.breakGlass(id, user, reason);
        } catch (NotAllowed e) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, SlackText.label(e.getMessage(), 150)));
        }
        claimed.ifPresent(running -> executor.execute(() -> runs.brokeGlass(running)));
        return ctx.ack();
    }

    /** Run…: opens the action's form for those who may run actions. */
    private Response openForm(BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        String user = p.getUser().getId();
        String channel = p.getChannel() == null ? p.getContainer().getChannelId() : p.getChannel().getId();
        String reference = p.getActions().get(0).getValue();
        Decision may = policy.decide(RunCommand.PERMISSION, user, groups);
        if (may instanceof Decision.Denied denied) {
            outbox.ephemeral(channel, user, SlackMessage.text(":no_entry: " + SlackText.escape(denied.reason())));
            return ctx.ack();
        }
        try {
            openModal(ctx, p.getTriggerId(), ActionMessages.form(approvals.find(reference), channel), channel, user);
        } catch (InvalidParameters e) {
            outbox.ephemeral(channel, user, SlackMessage.text(":warning: " + SlackText.escape(e.problems().get(0))));
        }
        return ctx.ack();
    }

    /** The Run… form: each wrong value is shown under its field; a right form requests the action. */
    private Response request(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        View view = req.getPayload().getView();
        String user = req.getPayload().getUser().getId();
        String[] meta = view.getPrivateMetadata().split("\\|", 2);
        Decision may = policy.decide(RunCommand.PERMISSION, user, groups);
        if (may instanceof Decision.Denied denied) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, SlackText.label(denied.reason(), 150)));
        }
        Approvals.Target target;
        try {
            target = approvals.find(meta[0]);
        } catch (InvalidParameters e) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, SlackText.label(e.problems().get(0), 150)));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Map<String, ViewState.Value>> state = view.getState().getValues();
        for (Action.Param param : target.action().params()) {
            ViewState.Value v = state.getOrDefault(ActionMessages.PARAM_BLOCK + param.name(), Map.of()).get(ActionMessages.VALUE);
            String value = v == null ? null : v.getSelectedOption() != null ? v.getSelectedOption().getValue() : v.getValue();
            if (value != null) {
                values.put(param.name(), value.strip());
            }
        }
        ViewState.Value reasonValue = state.getOrDefault(ActionMessages.REASON_BLOCK, Map.of()).get(ActionMessages.VALUE);
        String reason = reasonValue == null || reasonValue.getValue() == null ? "" : reasonValue.getValue().strip();
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            approvals.plan(target, values);
        } catch (InvalidParameters e) {
            // Each problem starts with the parameter's name: show it under that field.
            for (String problem : e.problems()) {
                String block = target.action().params().stream().map(Action.Param::name)
                        .filter(n -> problem.startsWith(n + " ")).findFirst()
                        .map(n -> ActionMessages.PARAM_BLOCK + n).orElse(ActionMessages.REASON_BLOCK);
                errors.merge(block, SlackText.label(problem, 150), (a, b) -> a);
            }
        }
        if (target.action().approval().isPresent() && reason.isBlank()) {
            errors.putIfAbsent(ActionMessages.REASON_BLOCK, "Say why: the approvers read it");
        }
        if (!errors.isEmpty()) {
            return ctx.ackWithErrors(errors);
        }
        String channel = meta.length > 1 ? meta[1] : channelFor(target, "");
        executor.execute(() -> start(target, values, user, reason, channel, false));
        return ctx.ack();
    }

    /** The reject form: one conditional UPDATE, quick enough to show a refusal in the form. */
    private Response confirmReject(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        View view = req.getPayload().getView();
        String user = req.getPayload().getUser().getId();
        long id = requestId(view.getPrivateMetadata());
        if (existing(id, "the reject form", user).isEmpty()) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, NO_SUCH_REQUEST));
        }
        String reason = reason(view);
        // One conditional UPDATE: quick enough to answer inside the modal, so a refusal shows there.
        Approvals.Approval outcome = approvals.reject(id, user, reason);
        if (outcome instanceof Approvals.Approval.Refused refused) {
            return ctx.ackWithErrors(Map.of(ActionMessages.REASON_BLOCK, SlackText.label(refused.why(), 150)));
        }
        executor.execute(() -> runs.rejected(outcome.request()));
        return ctx.ack();
    }

    /**
     * views.open is the one Web API call made directly, not through the outbox: Slack accepts
     * a trigger_id only for 3 seconds, so a queued call would be useless. A failure (dry-run,
     * Slack down) is told to the clicker. Not passing the outbox, the view passes the outbox's
     * guard against broadcasts here.
     */
    private void openModal(Context ctx, String triggerId, View view, String channel, String user) {
        try {
            String json = BroadcastGuard.neutraliseJson(VIEWS.toJson(view));
            var response = ctx.client().viewsOpen(r -> r.triggerId(triggerId).viewAsString(json));
            if (!response.isOk()) {
                LOG.warn("views.open failed: {}", response.getError());
                outbox.ephemeral(channel, user, SlackMessage.text(":warning: Slack did not open the form ("
                        + SlackText.escape(response.getError()) + "); try again, or type the command instead."));
            }
        } catch (Exception e) {
            LOG.warn("views.open failed: {}", e.toString());
            outbox.ephemeral(channel, user, SlackMessage.text(":warning: The form could not be opened; type the command instead:"
                    + " `/ops run <runbook/action> name=value … why`"));
        }
    }

    /**
     * A click on Approve, Reject or Break glass: the request id and plan hash ride on the button.
     * A value not of that form names no request ({@link #NO_ID}); it is answered like a request
     * that no longer exists.
     */
    record Button(long requestId, String hash, String user, String channel) {
        static Button of(BlockActionPayload p) {
            Matcher value = BUTTON_VALUE.matcher(Objects.requireNonNullElse(p.getActions().get(0).getValue(), ""));
            String channel = p.getChannel() != null ? p.getChannel().getId() : p.getContainer().getChannelId();
            return value.matches()
                    ? new Button(Long.parseLong(value.group(1)), value.group(2), p.getUser().getId(), channel)
                    : new Button(NO_ID, "", p.getUser().getId(), channel);
        }
    }

    /** The id in a reason form's private metadata; {@link #NO_ID} when there is none. */
    private static long requestId(String metadata) {
        return metadata != null && REQUEST_ID.matcher(metadata).matches() ? Long.parseLong(metadata) : NO_ID;
    }

    /**
     * The request a button or form names. One that does not exist (the database was restored
     * from an older backup, or the value is not one opsbot wrote) is logged once, without a
     * stack: the person is told, and nothing is done.
     */
    private Optional<ActionRequest> existing(long id, String what, String user) {
        Optional<ActionRequest> r = id == NO_ID ? Optional.empty() : approvals.find(id);
        if (r.isEmpty()) {
            LOG.warn("{} used {} of action request {}, which does not exist; nothing was done", user, what,
                    id == NO_ID ? "(no id)" : "#" + id);
        }
        return r;
    }

    private void guarded(Button b, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            outbox.ephemeral(b.channel(), b.user(), SlackMessage.text(DatabaseDown.answer(LOG, e,
                    "action request " + b.requestId(), ":warning: That failed unexpectedly; the details are in opsbot's log.")));
        }
    }

    /**
     * The sweep, in every replica: each keeps its own runs alive (their lease is its own), and
     * expiring requests and closing abandoned runs are conditional updates any replica may make.
     */
    @Override
    public List<Scheduler.Job> jobs() {
        List<Scheduler.Job> jobs = new ArrayList<>(List.of(Scheduler.Job.onEveryReplica("action-sweep", SWEEP, this::sweep)));
        // On the lease holder: each due run is claimed in the database, so it starts once.
        scheduled.ifPresent(jobs::add);
        return jobs;
    }

    private void sweep() {
        approvals.keepRunsAlive();
        approvals.expireDue().forEach(runs::closedBySweep);
        approvals.interruptAbandoned().forEach(runs::closedBySweep);
    }

    /** The text typed into a reason modal (break glass, reject); empty when none. */
    private static String reason(View view) {
        ViewState.Value v = view.getState().getValues().getOrDefault(ActionMessages.REASON_BLOCK, Map.of())
                .get(ActionMessages.VALUE);
        return v == null || v.getValue() == null ? "" : v.getValue().strip();
    }
}
