package org.opsbot.bot.alerts;

import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.ActionResult;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.store.StoredAlert;
import org.opsbot.commands.store.StoredAlertGroup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a button or an {@code /ops} alert command does, the same for both: find the group,
 * check that the caller may act on it, change it, and tell Slack. The answer is for the caller
 * only: a refusal, or why nothing changed ("already acknowledged by …").
 */
final class AlertActions {
    static final Duration MAX_SNOOZE = Duration.ofDays(7);
    static final Duration MAX_SILENCE = Duration.ofDays(30);

    enum Kind { ACK, UNACK, RESOLVE, ESCALATE, SNOOZE, SILENCE, UNSILENCE, RUNBOOK }

    /** {@code message} is shown only to the caller; empty when the thread already tells it. */
    record Outcome(boolean changed, Optional<String> message) {
        static Outcome said(String message) {
            return new Outcome(false, Optional.of(message));
        }
    }

    private final Alerts alerts;
    private final AlertPublisher publisher;
    private final AlertmanagerSilences silences;
    private final GroupDirectory groups;
    private final Clock clock;

    AlertActions(Alerts alerts, AlertPublisher publisher, AlertmanagerSilences silences, GroupDirectory groups, Clock clock) {
        this.alerts = alerts;
        this.publisher = publisher;
        this.silences = silences;
        this.groups = groups;
        this.clock = clock;
    }

    /**
     * @param arg a duration for snooze and silence, a runbook name for RUNBOOK, a reason for
     *            ESCALATE; empty otherwise
     */
    Outcome perform(Kind kind, long id, String user, String userName, Optional<String> arg) {
        Optional<StoredAlertGroup> found = alerts.group(id);
        if (found.isEmpty()) {
            return Outcome.said("There is no alert group `" + id + "`. `/ops alerts` lists the open ones.");
        }
        StoredAlertGroup g = found.get();
        Decision decision = alerts.mayAct(g, user, groups);
        if (decision instanceof Decision.Denied denied) {
            return Outcome.said(":no_entry: " + denied.reason());
        }
        ActionResult result = switch (kind) {
            case ACK -> alerts.acknowledge(id, user);
            case UNACK -> alerts.unacknowledge(id, user);
            case RESOLVE -> alerts.resolve(id, user);
            case SNOOZE -> alerts.snooze(id, user, bounded(arg, MAX_SNOOZE));
            case ESCALATE -> alerts.note(id, user, "alert.escalate", "asked to escalate"
                    + arg.filter(r -> !r.isBlank()).map(r -> " (" + Mrkdwn.plain(r, 200) + ")").orElse("")
                    + ". Automatic escalation tiers are not wired in yet: page the next tier by hand.");
            case RUNBOOK -> alerts.note(id, user, "alert.runbook", "asked for runbook `" + Mrkdwn.plain(arg.orElse(""), 100)
                    + "`: run `/ops check " + Mrkdwn.plain(arg.orElse(""), 100) + "` to run its checks here.");
            case SILENCE -> silence(g, user, userName, bounded(arg, MAX_SILENCE));
            case UNSILENCE -> unsilence(g, user);
        };
        return switch (result) {
            case ActionResult.Done done -> {
                publisher.publish(done.change());
                yield new Outcome(true, Optional.empty());
            }
            case ActionResult.Unchanged u -> Outcome.said(u.why());
            case ActionResult.NotFound n -> Outcome.said("There is no alert group `" + id + "`.");
        };
    }

    private ActionResult silence(StoredAlertGroup g, String user, String userName, Duration duration) {
        if (!"ALERTMANAGER".equals(g.source()) || g.externalUrl() == null) {
            return new ActionResult.Unchanged(g, "Only groups from an Alertmanager that sent its `externalURL` can be "
                    + "silenced from here. Snooze mutes the bot instead.");
        }
        if (g.silenceId() != null) {
            return new ActionResult.Unchanged(g, "It is silenced already, by " + Mrkdwn.user(g.silencedBy()) + ".");
        }
        Map<String, String> matchers = g.groupLabels().isEmpty() ? common(alerts.alerts(g.id())) : g.groupLabels();
        Instant now = clock.instant();
        Instant until = now.plus(duration);
        try {
            String id = silences.create(g.externalUrl(), matchers, now, until,
                    "opsbot for " + (userName == null || userName.isBlank() ? user : userName + " (" + user + ")"),
                    "Silenced from Slack by opsbot: alert group " + g.id() + " (" + AlertMessages.cut(g.title(), 100) + ")");
            return alerts.silenced(g.id(), user, until, id);
        } catch (AlertmanagerSilences.SilenceException e) {
            return new ActionResult.Unchanged(g, ":warning: Could not silence it: " + Mrkdwn.plain(e.getMessage(), 300));
        }
    }

    private ActionResult unsilence(StoredAlertGroup g, String user) {
        if (g.silenceId() == null || g.externalUrl() == null) {
            return new ActionResult.Unchanged(g, "It is not silenced.");
        }
        try {
            silences.expire(g.externalUrl(), g.silenceId());
            return alerts.silenceRemoved(g.id(), user);
        } catch (AlertmanagerSilences.SilenceException e) {
            return new ActionResult.Unchanged(g, ":warning: Could not expire the silence: " + Mrkdwn.plain(e.getMessage(), 300));
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
