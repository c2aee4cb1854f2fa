package org.opsbot.bot.procedures;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import org.opsbot.bot.actions.ActionsFeature;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.incident.IncidentException;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.ProcedureRun;
import org.opsbot.commands.procedure.Procedures;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecks;
import org.opsbot.commands.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runbook procedures in Slack: {@code /ops procedure}, the one message each procedure keeps up to
 * date, and its Done and Cancel buttons. A sweep in every replica keeps this process's procedures
 * claimed, resumes those whose process died, and moves on those whose action request ended.
 */
public final class ProceduresFeature implements SlackFeature {
    private static final Logger LOG = LoggerFactory.getLogger(ProceduresFeature.class);
    /** Well within {@link Procedures#LEASE}: each sweep extends this process's claims first. */
    static final Duration SWEEP = Duration.ofSeconds(5);
    /** The key of {@code /ops run}, which starting a procedure and its buttons decide on too. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(ProcedureCommand.PERMISSION);
    private static final Pattern DONE_VALUE = Pattern.compile("([1-9]\\d{0,17}):(\\d{1,4})");
    private static final Pattern RUN_ID = Pattern.compile("[1-9]\\d{0,17}");

    private final Procedures procedures;
    private final ActionsFeature actions;
    private final Incidents incidents;
    private final Outbox outbox;
    private final AccessPolicy policy;
    private final GroupDirectory groups;
    private final Executor executor;

    public ProceduresFeature(RunbookCatalog catalog, RunbookChecks checks, ActionsFeature actions, Incidents incidents,
                             Database db, AuditLog audit, Outbox outbox, AccessPolicy policy, GroupDirectory groups,
                             Executor executor, Clock clock) {
        this.actions = actions;
        this.incidents = incidents;
        this.outbox = outbox;
        this.policy = policy;
        this.groups = groups;
        this.executor = executor;
        this.procedures = new Procedures(catalog, checks, actions.approvals(), db, audit, new Shown(), clock);
    }

    Procedures procedures() {
        return procedures;
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(new ProcedureCommand(this));
    }

    /** On the executor: records the procedure, posts its message and works through its steps. */
    void start(Procedures.Target target, Map<String, String> values, String user, String channel, Optional<Long> incident) {
        try {
            Optional<Long> forIncident = incident.isPresent() ? Optional.of(incidents.require(incident.get()).id())
                    : openIncidentOf(channel);
            Procedures.View view = procedures.start(target, values, user, channel, forIncident);
            show(view, true);
            advance(view.run().id());
        } catch (IncidentException e) {
            outbox.ephemeral(channel, user, SlackMessage.text(":warning: " + SlackText.escape(e.getMessage())));
        } catch (InvalidParameters e) {
            outbox.ephemeral(channel, user, SlackMessage.text(":warning: "
                    + String.join("\n", e.problems().stream().map(SlackText::escape).toList())));
        } catch (RuntimeException e) {
            outbox.ephemeral(channel, user, SlackMessage.text(DatabaseDown.answer(LOG, e, "procedure " + target.reference()
                    + " for " + user, ":warning: Starting " + SlackText.plain(target.procedure().title(), 150)
                    + " failed unexpectedly; the details are in opsbot's log.")));
        }
    }

    /** The one open incident declared in {@code channel}, if there is exactly one. */
    private Optional<Long> openIncidentOf(String channel) {
        try {
            return Optional.of(incidents.ofChannel(channel).id());
        } catch (IncidentException e) {
            return Optional.empty();
        }
    }

    /** Works through the steps; a failure leaves the claim to run out, and the next holder tries again. */
    private void advance(long id) {
        try {
            procedures.advance(id);
        } catch (RuntimeException e) {
            DatabaseDown.answer(LOG, e, "procedure #" + id, "");
        }
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("procedure")
                .button(ProcedureMessages.DONE, SlackFeature.afterAck(executor, this::done))
                .button(ProcedureMessages.CANCEL, SlackFeature.afterAck(executor, this::cancel));
    }

    private void done(BlockActionPayload p) {
        clicked(p, "Done", value -> {
            Matcher m = DONE_VALUE.matcher(value);
            if (!m.matches()) {
                return new Procedures.Click.Refused("that button names no procedure step; nothing was done");
            }
            long id = Long.parseLong(m.group(1));
            Procedures.Click click = procedures.done(id, Integer.parseInt(m.group(2)), p.getUser().getId());
            if (click instanceof Procedures.Click.Accepted) {
                advance(id);
            } else {
                redrawEnded(id);
            }
            return click;
        });
    }

    private void cancel(BlockActionPayload p) {
        clicked(p, "Cancel", value -> {
            if (!RUN_ID.matcher(value).matches()) {
                return new Procedures.Click.Refused("that button names no procedure; nothing was done");
            }
            Procedures.Click click = procedures.cancel(Long.parseLong(value), p.getUser().getId());
            if (click instanceof Procedures.Click.Refused) {
                redrawEnded(Long.parseLong(value));
            }
            return click;
        });
    }

    /**
     * A click on a button of an ended procedure came from a message that still shows buttons
     * (its redraw was lost with a process that died after the change): draw it as it is now.
     */
    private void redrawEnded(long id) {
        procedures.view(id).filter(v -> v.run().state().ended()).ifPresent(v -> show(v, false));
    }

    /**
     * Shows a procedure in its one message: updated in place once it has one. The first post is
     * once per procedure (its outbox key), so a process that died between posting it and noting
     * it leaves a post that the next change finds and updates, never a second message.
     *
     * @param first whether this is the procedure's first showing, at its start
     */
    private void show(Procedures.View view, boolean first) {
        SlackMessage message = ProcedureMessages.of(view);
        Optional<Long> noted = view.run().messageId();
        if (noted.isPresent()) {
            outbox.update(noted.get(), message);
            return;
        }
        long posted = outbox.postOnce(ProcedureMessages.key(view.run()), view.run().channel(), message);
        procedures.attachMessage(view.run().id(), posted);
        if (first) {
            procedures.shown(view);
        } else {
            // A change after a resume: the post found may show an older state.
            outbox.update(posted, message);
        }
    }

    private interface Click {
        Procedures.Click on(String value);
    }

    /** Those who may start a procedure may tick and cancel it; a refusal is told to the clicker alone. */
    private void clicked(BlockActionPayload p, String what, Click click) {
        String user = p.getUser().getId();
        String channel = p.getChannel() != null ? p.getChannel().getId() : p.getContainer().getChannelId();
        String value = Optional.ofNullable(p.getActions().get(0).getValue()).orElse("");
        Decision may = policy.decide(ProcedureCommand.PERMISSION, user, groups);
        if (may instanceof Decision.Denied denied) {
            outbox.ephemeral(channel, user, SlackMessage.text(":no_entry: " + SlackText.escape(denied.reason())));
            return;
        }
        try {
            if (click.on(value) instanceof Procedures.Click.Refused refused) {
                outbox.ephemeral(channel, user, SlackMessage.text(":no_entry: " + SlackText.person(refused.why())));
            }
        } catch (RuntimeException e) {
            outbox.ephemeral(channel, user, SlackMessage.text(DatabaseDown.answer(LOG, e, what + " on procedure " + value,
                    ":warning: That failed unexpectedly; the details are in opsbot's log.")));
        }
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(Scheduler.Job.onEveryReplica("procedure-sweep", SWEEP,
                () -> procedures.sweep().forEach(id -> executor.execute(() -> advance(id)))));
    }

    /** What a change looks like in Slack: the message updated in place; an action's request posted by the actions feature. */
    private final class Shown implements Procedures.Listener {
        @Override
        public void changed(Procedures.View view) {
            show(view, false);
        }

        @Override
        public void actionRequested(ProcedureRun run, ActionRequest request) {
            actions.post(request, run.channel());
        }

        @Override
        public void requestWithdrawn(ProcedureRun run, ActionRequest request) {
            actions.withdrawn(request);
        }
    }
}
