package org.opsbot.bot.alerts;

import org.opsbot.bot.slack.text.SlackText;

import org.opsbot.commands.stats.Verdicts;

import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.handler.builtin.BlockActionHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.helidon.webserver.http.HttpRouting;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.Synonym;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.bot.escalation.Subjects;
import org.opsbot.bot.escalation.WalkText;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.alert.GroupChange;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.MaintenanceWindow;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.Walk;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * Alerts in Slack: the {@code /alerts/*} webhooks, one living message per alert group, its
 * buttons, the {@code /ops alerts|ack|unack|resolve|escalate|snooze|silence} commands, and the
 * loop that ends snoozes and silences when they run out.
 */
public final class AlertsFeature implements SlackFeature {
    private static final Logger log = LoggerFactory.getLogger(AlertsFeature.class);
    private static final Duration MUTE_CHECK = Duration.ofSeconds(15);
    // An intake publishes within milliseconds of its commit; a group still unfinished after
    // this long had its opener killed (a crash, kill -9, a lost database connection).
    private static final Duration OPENING_GRACE = Duration.ofSeconds(30);
    private static final Duration OPENING_SWEEP = Duration.ofSeconds(15);

    /** The Acknowledge button of a group's message; the App Home offers the same button, so it acts the same. */
    public static final String ACK_BUTTON = AlertMessages.ACK;

    private final Alerts alerts;
    private final AlertPublisher publisher;
    private final AlertEscalation escalation;
    private final AlertActions actions;
    private final AlertEndpoints endpoints;
    private final Outbox outbox;
    private final Executor executor;
    private final Verdicts verdicts;
    private final Maintenance maintenance;

    public AlertsFeature(Database db, java.util.function.Supplier<OpsbotConfig> config, Outbox outbox, GroupDirectory groups, List<String> webhookTokens,
                         MeterRegistry meters, Escalations escalations, RunbookRunner runbooks,
                         LongFunction<ButtonElement> declareButton, Maintenance maintenance, Executor executor, Clock clock) {
        this.alerts = new Alerts(db, config, clock);
        this.maintenance = maintenance;
        this.escalation = new AlertEscalation(alerts, escalations, this::holding, clock);
        this.verdicts = new Verdicts(db, clock);
        this.publisher = new AlertPublisher(alerts, outbox, clock,
                g -> escalationLine(g, escalations),
                escalation::follow, declareButton, verdicts::of);
        this.actions = new AlertActions(alerts, publisher, new AlertmanagerSilences(), groups, escalations, runbooks,
                clock, verdicts);
        this.endpoints = new AlertEndpoints(webhookTokens, alerts, publisher, meters);
        this.outbox = outbox;
        this.executor = executor;
    }

    /** Alert groups as escalation subjects: how pages describe them, and Acknowledge from a page. */
    public Subjects subjects() {
        return new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return escalation.find(subject);
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                AlertActions.Outcome outcome = actions.perform(AlertActions.Kind.ACK, subject.id(), userId, null, Optional.empty());
                return outcome.message().orElse(":white_check_mark: Acknowledged: escalation stopped.");
            }

            @Override
            public void paged(Subject subject, List<String> userIds) {
                alerts.recordNotified(subject.id(), userIds);
            }

            @Override
            public void changed(Subject subject) {
                publisher.refresh(subject.id());
            }
        };
    }

    /**
     * Takes an alert opsbot raised itself (a missed heartbeat, a failed scheduled action): stored,
     * posted and escalated as if a webhook had sent it. Throws when it could not be stored.
     */
    public void raise(Notification notification) {
        for (GroupChange change : alerts.receive(notification).changes()) {
            try {
                publisher.publish(change);
            } catch (RuntimeException e) {
                // Stored already: the opening sweep posts it and starts its escalation.
                log.error("alert group {} was stored but could not be handed to the outbox", change.group().id(), e);
            }
        }
    }

    /**
     * A maintenance window of {@code team} ended: its firing groups that no other window holds
     * start escalating now (the maintenance feature's end work calls this once per window).
     */
    public void maintenanceEnded(MaintenanceWindow window) {
        escalation.releaseHeld(window.team(), window);
    }

    /** The maintenance window holding a group now: its team's, matching the labels of every alert in it. */
    private Optional<MaintenanceWindow> holding(StoredAlertGroup g) {
        List<Map<String, String>> labels = alerts.alerts(g.id()).stream().map(StoredAlert::labels).toList();
        return maintenance.holding(g.route().team(), labels.isEmpty() ? List.of(g.route().groupLabels()) : labels);
    }

    /**
     * Where a group's escalation stands, for its message; while a maintenance window holds a
     * firing group whose walk waits for it, that the group is in maintenance and pages nobody.
     */
    private Optional<String> escalationLine(StoredAlertGroup g, Escalations escalations) {
        Optional<Walk> walk = escalations.find(AlertEscalation.subject(g.id()));
        boolean held = walk.map(w -> w.status() == Walk.Status.ACKNOWLEDGED && w.dueAt().isEmpty()).orElse(true);
        if (g.state() == StoredAlertGroup.State.FIRING && held) {
            Optional<String> line = inMaintenance(g);
            if (line.isPresent()) {
                return line;
            }
        }
        return walk.flatMap(w -> WalkText.status(w, escalations.policyOf(w)));
    }

    private Optional<String> inMaintenance(StoredAlertGroup g) {
        return holding(g).map(w -> ":construction: In maintenance (" + SlackText.escape(AlertEscalation.describe(w))
                + ", until " + SlackText.date(w.endsAt()) + "): nobody is paged");
    }

    /** {@code POST /alerts/alertmanager|grafana|generic}, for {@code OpsbotServer.Builder.routes}. */
    public void routes(HttpRouting.Builder routing) {
        endpoints.register(routing);
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(
                new AlertListCommand(alerts),
                new AlertCommand("ack", "<id>", "acknowledges an alert group", AlertActions.Kind.ACK, actions,
                        Synonym.of("acknowledge")),
                new AlertCommand("unack", "<id>", "takes back an acknowledgement", AlertActions.Kind.UNACK, actions,
                        Synonym.of("unacknowledge")),
                new AlertCommand("resolve", "<id>", "resolves an alert group by hand", AlertActions.Kind.RESOLVE, actions),
                new AlertCommand("escalate", "<id> [reason]", "pages the next escalation tier now",
                        AlertActions.Kind.ESCALATE, actions, Synonym.of("page")),
                new AlertCommand("snooze", "<id> <duration>", "mutes the bot for an alert group, e.g. 1h",
                        AlertActions.Kind.SNOOZE, actions, Synonym.of("mute")),
                new AlertCommand("silence", "<id> <duration>", "silences an alert group in its Alertmanager, e.g. 4h",
                        AlertActions.Kind.SILENCE, actions));
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("alert", AlertMessages.LEGACY_IDS)
                .button(AlertMessages.ACK, clicked(AlertActions.Kind.ACK))
                .button(AlertMessages.UNACK, clicked(AlertActions.Kind.UNACK))
                .button(AlertMessages.RESOLVE, clicked(AlertActions.Kind.RESOLVE))
                .button(AlertMessages.ESCALATE, clicked(AlertActions.Kind.ESCALATE))
                .button(AlertMessages.SNOOZE, clicked(AlertActions.Kind.SNOOZE))
                .button(AlertMessages.SILENCE, clicked(AlertActions.Kind.SILENCE))
                .button(AlertMessages.UNSILENCE, clicked(AlertActions.Kind.UNSILENCE))
                .button(AlertMessages.RUNBOOK, clicked(AlertActions.Kind.RUNBOOK))
                .overflow(AlertMessages.MORE)
                .button(AlertMessages.ACTIONABLE, clicked(AlertActions.Kind.ACTIONABLE))
                .button(AlertMessages.NOT_ACTIONABLE, clicked(AlertActions.Kind.NOT_ACTIONABLE));
    }

    /** The engine's alert groups, for what shows them elsewhere (the App Home). */
    public Alerts alerts() {
        return alerts;
    }

    /** A button or menu of the group's message doing {@code kind}: acked first, as a silence calls Alertmanager. */
    private BlockActionHandler clicked(AlertActions.Kind kind) {
        return SlackFeature.afterAck(executor, payload -> click(kind, payload));
    }

    private void click(AlertActions.Kind kind, BlockActionPayload payload) {
        if (payload.getActions() == null || payload.getActions().isEmpty() || payload.getUser() == null) {
            return;
        }
        var action = payload.getActions().getFirst();
        String value = action.getSelectedOption() != null ? action.getSelectedOption().getValue() : action.getValue();
        if (value == null) {
            return;
        }
        String user = payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        String[] parts = value.split(":", 2);
        long id;
        try {
            id = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return;
        }
        Optional<String> arg = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        try {
            AlertActions.Outcome outcome = actions.perform(kind, id, user, payload.getUser().getUsername(), arg);
            Optional<SlackMessage> answer = outcome.answer();
            if (answer.isPresent() && channel != null) {
                outbox.ephemeral(channel, user, answer.get());
            }
        } catch (RuntimeException e) {
            String answer = DatabaseDown.answer(log, e, "alert button " + action.getActionId() + " on group " + id,
                    ":warning: That did not work; the details are in opsbot's log.");
            if (channel != null) {
                outbox.ephemeral(channel, user, SlackMessage.text(answer));
            }
        }
    }

    /**
     * Finishes alert groups whose opening a crash cut short (stored, but never posted or never
     * escalating): the lease holder looks for them now and then, so such a group is posted and
     * pages its on-call without waiting for the source to send it again.
     */
    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(openingSweep(),
                // Every replica, as before the scheduler ran it: ending a mute is a conditional
                // update, so two replicas never publish the same ending twice.
                Scheduler.Job.onEveryReplica("alert-mutes", MUTE_CHECK, this::endMutes));
    }

    private Scheduler.Job openingSweep() {
        return new Scheduler.Job() {
            private Instant next = Instant.MIN;

            @Override
            public String name() {
                return "unfinished alert openings";
            }

            @Override
            public void runDue(Instant now) {
                if (now.isBefore(next)) {
                    return;
                }
                next = now.plus(OPENING_SWEEP);
                for (StoredAlertGroup g : alerts.unfinishedOpenings(OPENING_GRACE, 50)) {
                    log.warn("alert group {} ({}) was stored but its opening did not finish; finishing it now",
                            g.id(), g.title());
                    publisher.finishOpening(g);
                    escalation.ensureWalking(g);
                }
            }
        };
    }

    /** Ends snoozes and silences whose time is up, and says so in their messages. */
    private void endMutes() {
        for (GroupChange change : alerts.endExpiredMutes()) {
            publisher.publish(change);
        }
    }
}
