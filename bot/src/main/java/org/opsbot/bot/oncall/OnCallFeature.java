package org.opsbot.bot.oncall;

import io.helidon.webserver.http.HttpRouting;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.escalation.Overrides;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Who is on call: {@code /ops oncall}, {@code /ops override}, {@code /ops schedule} and the calendar feeds. */
public final class OnCallFeature implements SlackFeature {
    /** The permission keys its commands declare. */
    public static final PermissionKeys PERMISSION_KEYS =
            PermissionKeys.of(OverrideCommand.PERMISSION, OverrideCommand.CANCEL_OTHERS);

    private final List<OpsCommand> commands;
    private final CalendarFeed calendars;

    /**
     * @param config    read at each command: the configuration in force
     * @param publicUrl where people reach the bot ({@code OPSBOT_PUBLIC_URL}), for calendar-feed addresses
     */
    public OnCallFeature(Supplier<OpsbotConfig> config, Overrides overrides, CalendarTokens tokens, Optional<String> publicUrl,
                         GroupDirectory groups, UserTimeZones zones, Clock clock) {
        this.commands = List.of(
                new OnCallCommand(config, overrides, groups, zones, clock),
                new OverrideCommand(config, overrides, zones, clock),
                new ScheduleCommand(config, overrides, tokens, publicUrl, clock),
                new ContactsCommand(config));
        this.calendars = new CalendarFeed(config, overrides, tokens, clock);
    }

    @Override
    public List<OpsCommand> commands() {
        return commands;
    }

    /** {@code GET /calendar/<token>.ics}. */
    public void routes(HttpRouting.Builder routing) {
        calendars.routes(routing);
    }
}
