package org.opsbot.bot.maintenance;

import org.opsbot.bot.actions.ActionsFeature;
import org.opsbot.bot.alerts.AlertmanagerSilences;
import org.opsbot.bot.alerts.AlertsFeature;
import org.opsbot.bot.checks.ChecksFeature;
import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.ActionRequest;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Maintenance windows: {@code /ops maintenance} and the job that starts and ends them. */
public final class MaintenanceFeature implements SlackFeature {
    /** The permission keys its commands declare. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(MaintenanceCommand.PERMISSION);

    private final MaintenanceCommand command;
    private final MaintenanceJob job;

    /**
     * @param config  the configuration in force ({@code LiveConfig}), read at each use
     * @param actions whose approval requests carry ad hoc maintenance that needs four eyes */
    public MaintenanceFeature(Maintenance maintenance, Supplier<OpsbotConfig> config, Outbox outbox, AlertsFeature alerts,
                              ChecksFeature checks, ActionsFeature actions, UserTimeZones zones, String holder, Clock clock) {
        this.command = new MaintenanceCommand(config, maintenance, actions, zones, clock);
        actions.approvals().onApproved(ActionRequest.MAINTENANCE, maintenance::startApproved);
        this.job = new MaintenanceJob(maintenance, config, outbox, alerts, checks, new AlertmanagerSilences(), holder);
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(command);
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(Scheduler.Job.onLeaseHolder("maintenance windows", job::runDue));
    }
}
