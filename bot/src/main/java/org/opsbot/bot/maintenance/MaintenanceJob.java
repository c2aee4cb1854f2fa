package org.opsbot.bot.maintenance;

import org.opsbot.bot.alerts.AlertmanagerSilences;
import org.opsbot.bot.alerts.AlertsFeature;
import org.opsbot.bot.checks.ChecksFeature;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.MaintenanceConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.MaintenanceWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What happens when a window starts and ends, on the scheduler's lease holder: each start is
 * claimed in the database by one replica; each end's work is idempotent and marked done after
 * it, so a holder killed half-way leaves it to the next rather than leaving alerts held. Messages
 * are posted once per window (outbox keys), so a second replica or a restart never announces twice. At the start:
 * the announcement and, with {@code silence: true}, the Alertmanager silence. At the end: the
 * announcement, the silence expired, the team's still-firing groups released to escalation, and
 * the window's {@code then-run} runbook run into the team's channel.
 */
final class MaintenanceJob {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceJob.class);

    private final Maintenance maintenance;
    private final Supplier<OpsbotConfig> config;
    private final Outbox outbox;
    private final AlertsFeature alerts;
    private final ChecksFeature checks;
    private final AlertmanagerSilences silences;
    private final String holder;

    MaintenanceJob(Maintenance maintenance, Supplier<OpsbotConfig> config, Outbox outbox, AlertsFeature alerts, ChecksFeature checks,
                   AlertmanagerSilences silences, String holder) {
        this.maintenance = maintenance;
        this.config = config;
        this.outbox = outbox;
        this.alerts = alerts;
        this.checks = checks;
        this.silences = silences;
        this.holder = holder;
    }

    void runDue(Instant now) {
        // Before the ends below, so a window a reload removed is announced and released in this round.
        maintenance.endRemoved();
        for (MaintenanceWindow w : maintenance.claimStarts(holder)) {
            started(w);
        }
        for (MaintenanceWindow w : maintenance.unfinishedEnds()) {
            ended(w);
            maintenance.finished(w, holder);
        }
    }

    private void started(MaintenanceWindow w) {
        Optional<String> channel = channel(w.team());
        channel.ifPresent(c -> outbox.postOnce("maintenance:" + w.id() + ":start", c, SlackMessage.text(MaintenanceText.started(w))));
        Optional<MaintenanceConfig.Window> recurring = maintenance.recurring(w);
        if (recurring.filter(MaintenanceConfig.Window::silence).isPresent() && w.endsAt().isAfter(w.startsAt())) {
            Optional<URI> url = maintenance.config().alertmanagerUrl(w.team());
            if (url.isEmpty()) {
                return;
            }
            try {
                String id = silences.createMatching(url.get().toString(), w.labels(), w.startsAt(), w.endsAt(), "opsbot",
                        "opsbot maintenance window " + w.title());
                maintenance.silenced(w, id);
            } catch (AlertmanagerSilences.SilenceException e) {
                LOG.warn("maintenance window {}: the Alertmanager silence was not created: {}", w.title(), e.getMessage());
                channel.ifPresent(c -> outbox.postOnce("maintenance:" + w.id() + ":silence", c, SlackMessage.text(
                        ":warning: The Alertmanager silence of " + SlackText.escape(w.title()) + " was not created: "
                                + SlackText.plain(e.getMessage(), 300) + ". Its alerts still page nobody here.")));
            }
        }
    }

    private void ended(MaintenanceWindow w) {
        Optional<String> channel = channel(w.team());
        channel.ifPresent(c -> outbox.postOnce("maintenance:" + w.id() + ":end", c, SlackMessage.text(MaintenanceText.ended(w))));
        if (w.silenceId().isPresent()) {
            maintenance.config().alertmanagerUrl(w.team()).ifPresent(url -> {
                try {
                    silences.expire(url.toString(), w.silenceId().get());
                } catch (AlertmanagerSilences.SilenceException e) {
                    LOG.warn("maintenance window {}: the Alertmanager silence {} was not expired: {}", w.title(),
                            w.silenceId().get(), e.getMessage());
                }
            });
        }
        alerts.maintenanceEnded(w);
        Optional<String> runbook = maintenance.recurring(w).flatMap(MaintenanceConfig.Window::thenRun);
        if (runbook.isPresent() && channel.isPresent()
                && !checks.runOnce("maintenance:" + w.id() + ":then-run", runbook.get(), "maintenance window " + w.title(),
                channel.get(), "Verification at the end of maintenance window " + SlackText.escape(w.title()) + ".")) {
            LOG.warn("maintenance window {} names runbook {} to run at its end, but there is no such runbook",
                    w.title(), runbook.get());
        }
    }

    private Optional<String> channel(String team) {
        OpsbotConfig inForce = config.get();
        return Optional.ofNullable(inForce.teams().get(team)).flatMap(Team::channel).or(() -> inForce.slack().defaultChannel());
    }
}
