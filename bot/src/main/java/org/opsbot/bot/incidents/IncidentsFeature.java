package org.opsbot.bot.incidents;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import org.opsbot.bot.escalation.Subjects;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.SlackFeature;
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
    /** The Declare incident button on an alert group's message; its value is the group's id. */
    public static final String DECLARE_FROM_ALERT = "incident-declare-from-alert";
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

    @Override
    public void register(App app) {
        for (String actionId : List.of(IncidentMessages.ACK, IncidentMessages.RESOLVE, DECLARE_FROM_ALERT)) {
            app.blockAction(actionId, SlackFeature.afterAck(executor, this::click));
        }
    }

    private void click(BlockActionPayload payload) {
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
            answer = switch (action.getActionId()) {
                case IncidentMessages.ACK -> outcome(incidents.acknowledge(id, user),
                        i -> ":white_check_mark: " + SlackText.user(user) + " acknowledged " + IncidentMessages.ref(i) + ".");
                case IncidentMessages.RESOLVE -> outcome(incidents.resolve(id, user),
                        i -> ":large_green_circle: " + SlackText.user(user) + " resolved " + IncidentMessages.ref(i)
                                + ". Write it up: `/ops postmortem " + i.id() + "`.");
                case DECLARE_FROM_ALERT -> declareFrom(id, user, channel);
                default -> null;
            };
        } catch (IncidentException e) {
            answer = ":warning: " + SlackText.escape(e.getMessage());
        } catch (RuntimeException e) {
            answer = DatabaseDown.answer(LOG, e, "incident button " + action.getActionId(), ":x: That did not work ("
                    + e.getClass().getSimpleName() + "); try again, or use `/ops incident`.");
        }
        if (answer == null || channel == null) {
            return;
        }
        if (answer.startsWith(":warning:") || answer.startsWith(":x:") || answer.startsWith(":information_source:")) {
            outbox.ephemeral(channel, user, SlackMessage.text(answer));
        } else if (ts != null && !DECLARE_FROM_ALERT.equals(action.getActionId())) {
            // The incident message's own thread has the note already (the announcer put it there).
            return;
        } else if (ts != null) {
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
        List<Severity> levels = incidents.config().severities();
        Severity severity = Optional.ofNullable(group.severity()).flatMap(incidents.config()::severity).orElse(levels.getLast());
        if (incidents.isTopSeverity(severity)) {
            Decision decision = policy.decide(IncidentCommand.DECLARE_TOP, user, groups);
            if (decision instanceof Decision.Denied denied) {
                return ":warning: You may not declare a " + SlackText.escape(severity.name()) + ": " + SlackText.escape(denied.reason())
                        + " Use " + SlackText.code("/ops incident declare <sev> team=" + group.team() + " <title>") + " with a lower severity.";
            }
        }
        Incident incident = incidents.declare(severity, Optional.of(group.team()), group.title(), user,
                Optional.ofNullable(channel), Optional.of(groupId));
        announcer.declared(incident);
        return ":rotating_light: " + SlackText.user(user) + " declared " + SlackText.escape(severity.name()) + " " + IncidentMessages.ref(incident)
                + " for this alert group and commands it.";
    }

    /** Incidents as escalation subjects: how pages describe them, and Acknowledge from a page. */
    public Subjects subjects() {
        return new Subjects() {
            @Override
            public Optional<Subject> find(String subject) {
                return id(subject).flatMap(incidents::find).map(i -> new Subject(i.subject(), "Incident #" + i.id() + ": " + i.title(),
                        i.team().orElse(""), i.severity(), announcer.channel(i).orElse(i.commander()), i.messageId(), Optional.empty()));
            }

            @Override
            public String acknowledge(String subject, String userId) {
                Optional<Long> id = id(subject);
                if (id.isEmpty()) {
                    return "There is nothing to acknowledge any more.";
                }
                Incidents.Outcome outcome = incidents.acknowledge(id.get(), userId);
                if (!outcome.changed()) {
                    return SlackText.person(outcome.why());
                }
                announcer.updated(outcome.incident(), ":white_check_mark: " + SlackText.user(userId) + " acknowledged "
                        + IncidentMessages.ref(outcome.incident()) + " from a page.");
                return ":white_check_mark: Acknowledged: escalation stopped.";
            }
        };
    }

    private static Optional<Long> id(String subject) {
        if (!subject.startsWith("incident:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(subject.substring("incident:".length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
