package org.opsbot.bot.alerts;

import org.opsbot.commands.stats.Verdicts;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.ActionResult;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.config.Severity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a button or an {@code /ops} alert command does, the same for both: find the group,
 * check that the caller may act on it, change it, and tell Slack. The answer is for the caller
 * only: a refusal, or why nothing changed ("already acknowledged by …").
 */
final class AlertActions {
    static final Duration MAX_SNOOZE = Duration.ofDays(7);
    static final Duration MAX_SILENCE = Duration.ofDays(30);

    enum Kind { ACK, UNACK, RESOLVE, ESCALATE, SNOOZE, SILENCE, UNSILENCE, RUNBOOK, ACTIONABLE, NOT_ACTIONABLE }

    /**
     * {@code message} is shown only to the caller; empty when the thread already tells it.
     * {@code blocks}, when present, is the same answer with buttons or formatting (a runbook's
     * "did you mean"); {@link #answer()} prefers it.
     */
    record Outcome(boolean changed, Optional<String> message, Optional<SlackMessage> blocks) {
        Outcome(boolean changed, Optional<String> message) {
            this(changed, message, Optional.empty());
        }

        static Outcome said(String message) {
            return new Outcome(false, Optional.of(message));
        }

        /** What to show the caller, if anything. */
        Optional<SlackMessage> answer() {
            return blocks.or(() -> message.map(SlackMessage::text));
        }
    }

    private final Alerts alerts;
    private final AlertPublisher publisher;
    private final AlertmanagerSilences silences;
    private final GroupDirectory groups;
    private final Escalations escalations;
    private final RunbookRunner runbooks;
    private final Clock clock;
    private final Verdicts verdicts;

    AlertActions(Alerts alerts, AlertPublisher publisher, AlertmanagerSilences silences, GroupDirectory groups,
                 Escalations escalations, RunbookRunner runbooks, Clock clock) {
        this(alerts, publisher, silences, groups, escalations, runbooks, clock, null);
    }

    /** @param verdicts where the Actionable? answers on resolved groups go */
    AlertActions(Alerts alerts, AlertPublisher publisher, AlertmanagerSilences silences, GroupDirectory groups,
                 Escalations escalations, RunbookRunner runbooks, Clock clock, Verdicts verdicts) {
        this.verdicts = verdicts;
        this.runbooks = runbooks;
        this.alerts = alerts;
        this.publisher = publisher;
        this.silences = silences;
        this.groups = groups;
        this.escalations = escalations;
        this.clock = clock;
    }

    /**
     * @param arg a duration for snooze and silence, a runbook name for RUNBOOK, a reason for
     *            ESCALATE; empty otherwise
     */
    /** Actionable? on a resolved group: the last answer counts, and the message shows who gave it. */
    private Outcome verdict(StoredAlertGroup g, String user, boolean actionable) {
        if (g.state() != StoredAlertGroup.State.RESOLVED) {
            return Outcome.said("Alert group #" + g.id() + " is not resolved, so there is nothing to mark yet.");
        }
        verdicts.answer(g.id(), actionable, user);
        publisher.refresh(g.id());
        return new Outcome(true, Optional.of(":white_check_mark: Marked #" + g.id() + " *" + SlackText.plain(g.title(), 100)
                + "* as " + (actionable ? "actionable" : "not actionable")
                + ". `/ops stats` counts it among the noisiest alerts; click the other button to change it."));
    }

    Outcome perform(Kind kind, long id, String user, String userName, Optional<String> arg) {
        Optional<StoredAlertGroup> found = alerts.group(id);
        if (found.isEmpty()) {
            return Outcome.said("There is no alert group `" + id + "`. `/ops alerts` lists the open ones.");
        }
        StoredAlertGroup g = found.get();
        if (kind == Kind.ACTIONABLE || kind == Kind.NOT_ACTIONABLE) {
            // It only feeds the team's stats, so anyone may answer, as anyone may read them.
            return verdict(g, user, kind == Kind.ACTIONABLE);
        }
        if (kind == Kind.RUNBOOK) {
            // Running checks changes nothing: it is decided as /ops check decides, not by who may
            // act on the group (anyone who may type `/ops check` in the channel may click this).
            return runbook(g, user, arg.orElse(""));
        }
        Decision decision = alerts.mayAct(g, user, groups);
        if (decision instanceof Decision.Denied denied) {
            return Outcome.said(":no_entry: " + SlackText.escape(denied.reason()));
        }
        if (kind == Kind.ESCALATE) {
            // Stored as typed (one line, bounded); it is escaped where it is shown.
            return escalate(g, user, arg.filter(r -> !r.isBlank())
                    .map(r -> SlackText.cut(r.replaceAll("\\s+", " ").strip(), 200)).orElse(""));
        }
        ActionResult result = switch (kind) {
            case ACK -> alerts.acknowledge(id, user);
            case UNACK -> alerts.unacknowledge(id, user);
            case RESOLVE -> alerts.resolve(id, user);
            case SNOOZE -> alerts.snooze(id, user, bounded(arg, MAX_SNOOZE));
            case ESCALATE, RUNBOOK, ACTIONABLE, NOT_ACTIONABLE -> throw new IllegalStateException("decided above");
            case SILENCE -> silence(g, user, userName, bounded(arg, MAX_SILENCE));
            case UNSILENCE -> unsilence(g, user);
        };
        return switch (result) {
            case ActionResult.Done done -> {
                // Escalation follows the change here, so the confirmation can say where it now stands.
                publisher.publish(done.change());
                yield new Outcome(true, Optional.of(confirmation(kind, done.change().group(), arg)));
            }
            // The engine's reasons are sentences that may name people (<@U…>), nothing more.
            case ActionResult.Unchanged u -> Outcome.said(SlackText.person(u.why()));
            case ActionResult.NotFound n -> Outcome.said("There is no alert group `" + id + "`.");
        };
    }

    /** What the caller did, to which group, and what happens next; the group as this act left it. */
    private String confirmation(Kind kind, StoredAlertGroup g, Optional<String> arg) {
        return switch (kind) {
            case ACK -> AlertConfirmations.acknowledged(g, escalating(g), alerts.severity(g).flatMap(Severity::resolveWithin));
            case UNACK -> AlertConfirmations.unacknowledged(g, escalating(g), pagedSinceUnack(g));
            case RESOLVE -> AlertConfirmations.resolved(g, escalating(g));
            case SNOOZE -> {
                Duration d = bounded(arg, MAX_SNOOZE);
                Instant until = g.mutes().snoozedUntil() == null ? clock.instant().plus(d) : Instant.ofEpochMilli(g.mutes().snoozedUntil());
                yield AlertConfirmations.snoozed(g, until, d);
            }
            case SILENCE -> AlertConfirmations.silenced(g);
            case UNSILENCE -> AlertConfirmations.unsilenced(g);
            case ESCALATE, RUNBOOK, ACTIONABLE, NOT_ACTIONABLE -> throw new IllegalStateException("answered where they are done");
        };
    }

    private Optional<AlertConfirmations.Escalating> escalating(StoredAlertGroup g) {
        return AlertConfirmations.Escalating.of(escalations.find(AlertEscalation.subject(g.id())), escalations::policyOf);
    }

    /** The first tier paged after the group's last unack: the loop may page it before this answer is written. */
    private OptionalInt pagedSinceUnack(StoredAlertGroup g) {
        List<WalkEvent> history = escalations.history(AlertEscalation.subject(g.id()));
        int unacked = -1;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).kind() == WalkEvent.Kind.UNACKNOWLEDGED) {
                unacked = i;
            }
        }
        return unacked < 0 ? OptionalInt.empty() : history.subList(unacked + 1, history.size()).stream()
                .filter(e -> e.kind() == WalkEvent.Kind.NOTIFIED && e.tier().isPresent())
                .mapToInt(e -> e.tier().getAsInt()).findFirst();
    }

    /**
     * Runs the runbook's checks with the report as a reply in the group's thread, updated as
     * checks finish. Audited as {@code alert.runbook} in the group's history; the report itself
     * is the thread's note of it (it names who started it), so no second reply is posted.
     */
    private Outcome runbook(StoredAlertGroup g, String user, String name) {
        if (name.isBlank()) {
            return Outcome.said("Which runbook? `/ops check` lists them.");
        }
        if (g.messageId() == null) {
            return Outcome.said("Alert group `" + g.id() + "` has no message in Slack yet, so its thread cannot take a"
                    + " report; try again in a moment, or run " + SlackText.code("/ops check " + name, 120) + ".");
        }
        Optional<SlackMessage> refused = runbooks.runInThread(name, user, g.messageId());
        if (refused.isPresent()) {
            return new Outcome(false, Optional.of(refused.get().text()), refused);
        }
        // Plain text in the group's history; escaped where a thread shows it.
        alerts.note(g.id(), user, "alert.runbook", "ran runbook `" + SlackText.cut(name, 100) + "`; the report is in the thread.");
        return new Outcome(true, Optional.empty());
    }

    /** Pages the next tier now; the pages themselves tell the thread who was reached. */
    private Outcome escalate(StoredAlertGroup g, String user, String reason) {
        if (alerts.mayEscalate(g) instanceof Decision.Denied no) {
            return Outcome.said(SlackText.person(no.reason()));
        }
        Optional<Walk> walk = escalations.escalate(AlertEscalation.subject(g.id()), user, reason);
        if (walk.isEmpty()) {
            return Outcome.said("Team " + SlackText.escape(g.route().team())
                    + " has no escalation policy in opsbot.yaml, so there is nobody to escalate to.");
        }
        publisher.refresh(g.id());
        // The pages tell the group's thread who was reached; the caller hears which tier.
        return new Outcome(true, Optional.of(AlertConfirmations.escalated(g,
                AlertConfirmations.Escalating.of(walk, escalations::policyOf))));
    }

    private ActionResult silence(StoredAlertGroup g, String user, String userName, Duration duration) {
        if (alerts.maySilence(g) instanceof Decision.Denied no) {
            return new ActionResult.Unchanged(g, no.reason());
        }
        StoredAlertGroup.Route route = g.route();
        Map<String, String> matchers = route.groupLabels().isEmpty() ? common(alerts.alerts(g.id())) : route.groupLabels();
        Instant now = clock.instant();
        Instant until = now.plus(duration);
        try {
            String id = silences.create(route.externalUrl(), matchers, now, until,
                    "opsbot for " + (userName == null || userName.isBlank() ? user : userName + " (" + user + ")"),
                    "Silenced from Slack by opsbot: alert group " + g.id() + " (" + SlackText.cut(g.title(), 100) + ")");
            return alerts.silenced(g.id(), user, until, id);
        } catch (AlertmanagerSilences.SilenceException e) {
            return new ActionResult.Unchanged(g, ":warning: Could not silence it: " + SlackText.cut(e.getMessage(), 300));
        }
    }

    private ActionResult unsilence(StoredAlertGroup g, String user) {
        if (alerts.mayUnsilence(g) instanceof Decision.Denied no) {
            return new ActionResult.Unchanged(g, no.reason());
        }
        try {
            silences.expire(g.route().externalUrl(), g.mutes().silenceId());
            return alerts.silenceRemoved(g.id(), user);
        } catch (AlertmanagerSilences.SilenceException e) {
            return new ActionResult.Unchanged(g, ":warning: Could not expire the silence: " + SlackText.cut(e.getMessage(), 300));
        }
    }

    /** Labels all of the group's alerts share: what to silence when the source grouped by nothing. */
    private static Map<String, String> common(List<StoredAlert> alerts) {
        Map<String, String> common = new LinkedHashMap<>(alerts.isEmpty() ? Map.of() : alerts.getFirst().labels());
        for (StoredAlert a : alerts) {
            common.entrySet().removeIf(e -> !e.getValue().equals(a.labels().get(e.getKey())));
        }
        return common;
    }

    private static Duration bounded(Optional<String> text, Duration max) {
        Duration d = text.map(Duration::parse).orElse(Duration.ofHours(1));
        return d.compareTo(max) > 0 ? max : d;
    }
}
