package org.opsbot.bot.oncall;

import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.Overrides;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Who is on call: {@code /ops oncall} and {@code /ops override}. */
public final class OnCallFeature implements SlackFeature {
    /** The permission keys its commands declare. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(OverrideCommand.PERMISSION);

    private final List<OpsCommand> commands;

    public OnCallFeature(OpsbotConfig config, Overrides overrides, GroupDirectory groups,
                         UserTimeZones zones, Clock clock) {
        this(() -> config, overrides, groups, zones, clock);
    }

    /** @param config read at each command: the configuration in force */
    public OnCallFeature(Supplier<OpsbotConfig> config, Overrides overrides, GroupDirectory groups,
                         UserTimeZones zones, Clock clock) {
        this.commands = List.of(
                new OnCallCommand(config, overrides, groups, zones, clock),
                new OverrideCommand(config, overrides),
                new ContactsCommand(config));
    }

    @Override
    public List<OpsCommand> commands() {
        return commands;
    }
}
