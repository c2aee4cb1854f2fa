package org.opsbot.bot.incidents;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.model.block.element.ButtonElement;
import org.opsbot.bot.escalation.Subjects;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.incident.IncidentException;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.incident.Postmortems;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Incidents in Slack: {@code /ops incident …} and {@code /ops postmortem}, the Acknowledge and
 * Resolve buttons of the incident message, the Declare incident button of alert groups, the
 * reminder to commanders of quiet incidents, and incidents as escalation subjects.
 */
public final class IncidentsFeature implements SlackFeature {
    /** The permission keys of its commands, which the Declare incident button decides on too. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(IncidentCommand.DECLARE_TOP);
    private static final Logger LOG = LoggerFactory.getLogger(IncidentsFeature.class);

    private final Incidents incidents;
    private final IncidentAnnouncer announcer;
    private final AccessPolicy policy;
    private final GroupDirectory groups;
    private final Outbox outbox;
    private final Executor executor;
    private final List<OpsCommand> commands;

    public IncidentsFeature(Incidents incidents, Postmortems postmortems, AccessPolicy policy, GroupDirectory groups,
                            Outbox outbox, Executor executor) {
        this.incidents = incidents;
        this.announcer = new IncidentAnnouncer(incidents, outbox, incidents.config().slack().incidentsChannel());
        this.policy = policy;
        this.groups = groups;
        this.outbox = outbox;
        this.executor = executor;
        this.commands = List.of(new IncidentCommand(incidents, announcer), new PostmortemCommand(incidents, postmortems));
    }

    @Override
    public List<OpsCommand> commands() {
        return commands;
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(new Scheduler.Job() {
            @Override
            public String name() {
                return "incident update reminders";
            }

            @Override
            public void runDue(Instant now) {
                for (Incident i : incidents.claimReminders()) {
                    String every = incidents.severityOf(i).flatMap(Severity::updateEvery).map(Postmortems::duration).orElse("a while");
                    String text = ":alarm_clock: " + SlackText.user(i.commander()) + ", " + IncidentMessages.ref(i) + " has had no update for "
                            + every + ". Say where it stands: " + SlackText.code("/ops incident update #" + i.id() + " <text>") + ".";
                    announcer.note(i, text);
                    outbox.post(i.commander(), SlackMessage.text(text));
                }
            }
        });
    }

    /** The Declare incident button, for an alert group's message: the ids stay this feature's. */
    public static ButtonElement declareButton(long groupId) {
        return IncidentMessages.declareButton(groupId);
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("incident", IncidentMessages.LEGACY_IDS)
                .button(IncidentMessages.ACK, SlackFeature.afterAck(executor, this::acknowledge))
                .button(IncidentMessages.RESOLVE, SlackFeature.afterAck(executor, this::resolve))
                .button(IncidentMessages.DECLARE, SlackFeature.afterAck(executor, this::declare));
    }

    private void acknowledge(BlockActionPayload payload) {
        answer(payload, false, (id, user, channel) -> outcome(incidents.acknowledge(id, user),
                i -> ":white_check_mark: " + SlackText.user(user) + " acknowledged " + IncidentMessages.ref(i) + "."));
    }

    private void resolve(BlockActionPayload payload) {
        answer(payload, false, (id, user, channel) -> outcome(incidents.resolve(id, user),
                i -> ":large_green_circle: " + SlackText.user(user) + " resolved " + IncidentMessages.ref(i)
                        + ". Write it up: `/ops postmortem " + i.id() + "`."));
    }

    private void declare(BlockActionPayload payload) {
        answer(payload, true, this::declareFrom);
    }

    /** What a click on the button whose value is {@code id} does, and says. */
    private interface Click {
        String answer(long id, String user, String channel);
    }

    /**
     * Does a click and tells what it did: problems to the clicker alone; on an alert group's
     * message in its thread ({@code inThread}); nothing more on the incident message, whose
     * thread has the note already (the announcer put it there).
     */
    private void answer(BlockActionPayload payload, boolean inThread, Click click) {
        if (payload.getActions() == null || payload.getActions().isEmpty() || payload.getUser() == null) {
            return;
        }
        var action = payload.getActions().getFirst();
        String user = payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        String ts = payload.getContainer() == null ? null : payload.getContainer().getMessageTs();
        String answer;
        try {
            long id = Long.parseLong(action.getValue());
            answer = click.answer(id, user, channel);
        } catch (IncidentException e) {
            answer = ":warning: " + SlackText.escape(e.getMessage());
        } catch (RuntimeException e) {
            answer = DatabaseDown.answer(LOG, e, "incident button " + action.getActionId(), ":x: That did not work ("
                    + e.getClass().getSimpleName() + "); try again, or use `/ops incident`.");
        }
        if (channel == null) {
            return;
        }
        if (answer.startsWith(":warning:") || answer.startsWith(":x:") || answer.startsWith(":information_source:")) {
            outbox.ephemeral(channel, user, SlackMessage.text(answer));
        } else if (ts != null && inThread) {
            outbox.reply(channel, ts, SlackMessage.text(answer));
        }
    }

    private String outcome(Incidents.Outcome outcome, java.util.function.Function<Incident, String> said) {
        if (!outcome.changed()) {
            return ":information_source: " + SlackText.person(outcome.why());
        }
        String text = said.apply(outcome.incident());
        announcer.updated(outcome.incident(), text);
        return text;
    }

    /** Declares an incident for an alert group: its team, its title, its severity (else the least). */
    private String declareFrom(long groupId, String user, String channel) {
        StoredAlertGroup group = incidents.linkedGroupCandidate(groupId);
        String team = group.route().team();
        List<Severity> levels = incidents.levels(Optional.of(team));
        Severity severity = Optional.ofNullable(group.severity()).flatMap(s -> incidents.config().severity(team, s))
                .orElse(levels.getLast());
        if (incidents.isTopSeverity(Optional.of(team), severity)) {
            Decision decision = policy.decide(IncidentCommand.DECLARE_TOP, user, groups);
            if (decision instanceof Decision.Denied denied) {
                return ":warning: You may not declare a " + SlackText.escape(severity.name()) + ": " + SlackText.escape(denied.reason())
                        + " Use " + SlackText.code("/ops incident declare <sev> team=" + team + " <title>") + " with a lower severity.";
            }
        }
        Incident incident = incidents.declare(severity, Optional.of(team), group.title(), user,
                Optional.ofNullable(channel), Optional.of(groupId));
        announcer.declared(incident);
        return ":rotating_light: " + SlackText.user(user) + " declared " + SlackText.escape(severity.name()) + " " + IncidentMessages.ref(incident)
                + " for this alert group and commands it.";
    }

    /** The engine behind it, for features that work for an incident (procedures) or show them (the App Home). */
    public Incidents incidents() {
        return incidents;
    }

    /** Incidents as escalation subjects: how pages describe them, and Acknowledge from a page. */

    public Subjects subjects() {
        return new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return incidents.find(subject.id()).map(i -> new Description("Incident #" + i.id() + ": " + i.title(),
                        i.team().orElse(""), i.severity(), announcer.channel(i).orElse(i.commander()), i.messageId(), Optional.empty(),
                        "", Optional.empty(), Optional.empty(), i.state() == Incident.State.RESOLVED
                        ? new Standing(Standing.State.RESOLVED, i.resolvedBy(), i.resolvedAt())
                        : i.ackedBy().isPresent() ? new Standing(Standing.State.ACKNOWLEDGED, i.ackedBy(), i.ackedAt())
                        : Standing.OPEN));
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                Incidents.Outcome outcome = incidents.acknowledge(subject.id(), userId);
                if (!outcome.changed()) {
                    return SlackText.person(outcome.why());
                }
                announcer.updated(outcome.incident(), ":white_check_mark: " + SlackText.user(userId) + " acknowledged "
                        + IncidentMessages.ref(outcome.incident()) + " from a page.");
                return ":white_check_mark: Acknowledged " + IncidentMessages.ref(outcome.incident()) + " — escalation stopped.";
            }
        };
    }
}
