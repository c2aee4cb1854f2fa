package org.opsbot.bot.oncall;

import io.helidon.webserver.http.HttpRouting;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.escalation.HandOffs;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.escalation.Overrides;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Who is on call: {@code /ops oncall}, {@code /ops override}, {@code /ops schedule} and the calendar feeds. */
public final class OnCallFeature implements SlackFeature {
    /** The permission keys its commands declare. */
    public static final PermissionKeys PERMISSION_KEYS =
            PermissionKeys.of(OverrideCommand.PERMISSION, OverrideCommand.CANCEL_OTHERS);

    private final List<OpsCommand> commands;
    private final CalendarFeed calendars;
    private final List<Scheduler.Job> jobs;

    /**
     * @param publicUrl where people reach the bot ({@code OPSBOT_PUBLIC_URL}), for calendar-feed addresses
     */
    public OnCallFeature(OpsbotConfig config, Overrides overrides, CalendarTokens tokens, Optional<String> publicUrl,
                         GroupDirectory groups, UserTimeZones zones, Clock clock) {
        this(config, overrides, tokens, publicUrl, groups, zones, clock, Optional.empty());
    }

    /** With {@code handOffs}: hand-off notices and announcements go out through that outbox. */
    public OnCallFeature(OpsbotConfig config, Overrides overrides, CalendarTokens tokens, Optional<String> publicUrl,
                         GroupDirectory groups, UserTimeZones zones, Clock clock, Optional<HandOffWiring> handOffs) {
        this.commands = List.of(
                new OnCallCommand(config, overrides, groups, zones, clock),
                new OverrideCommand(config, overrides, zones, clock),
                new ScheduleCommand(config, overrides, tokens, publicUrl, clock));
        this.calendars = new CalendarFeed(config, overrides, tokens, clock);
        this.jobs = handOffs.map(h -> List.of(Scheduler.Job.onLeaseHolder("hand-offs",
                new HandOffJob(config, overrides, new HandOffs(h.db(), clock), h.outbox(), h.facts())))).orElse(List.of());
    }

    /** What hand-offs need: the database they are recorded in, the outbox they go out by, what they tell. */
    public record HandOffWiring(Database db, Outbox outbox, HandOffFacts facts) {
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return jobs;
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
