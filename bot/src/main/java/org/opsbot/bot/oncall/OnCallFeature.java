package org.opsbot.bot.oncall;

import io.helidon.webserver.http.HttpRouting;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.CoverRequests;
import org.opsbot.commands.model.CoverRequest;
import org.opsbot.commands.model.OnCallOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Who is on call: {@code /ops oncall}, {@code /ops override}, {@code /ops schedule} and the calendar feeds. */
public final class OnCallFeature implements SlackFeature {
    /** The permission keys its commands declare. */
    public static final PermissionKeys PERMISSION_KEYS =
            PermissionKeys.of(OverrideCommand.PERMISSION, OverrideCommand.CANCEL_OTHERS);

    private static final Logger LOG = LoggerFactory.getLogger(OnCallFeature.class);

    private final List<OpsCommand> commands;
    private final CalendarFeed calendars;
    private final List<Scheduler.Job> jobs;
    private final Supplier<OpsbotConfig> config;
    private final CoverRequests covers;
    private final Outbox outbox;
    private final Executor executor;

    /**
     * @param config    read at each command: the configuration in force
     * @param publicUrl where people reach the bot ({@code OPSBOT_PUBLIC_URL}), for calendar-feed addresses
     */
    public OnCallFeature(Supplier<OpsbotConfig> config, Overrides overrides, CalendarTokens tokens, Optional<String> publicUrl,
                         GroupDirectory groups, UserTimeZones zones, Clock clock, Wiring wiring) {
        this.config = config;
        this.covers = new CoverRequests(wiring.db(), overrides, wiring.audit(), clock);
        this.outbox = wiring.outbox();
        this.executor = wiring.executor();
        this.commands = List.of(
                new OnCallCommand(config, overrides, groups, zones, clock),
                new OverrideCommand(config, overrides, zones, clock),
                new ScheduleCommand(config, overrides, tokens, publicUrl, clock),
                new ContactsCommand(config),
                new CoverCommand(config, covers, overrides, zones, clock));
        this.calendars = new CalendarFeed(config, overrides, tokens, clock);
        this.jobs = List.of(Scheduler.Job.onLeaseHolder("hand-offs",
                new HandOffJob(config, overrides, new HandOffs(wiring.db(), clock), wiring.outbox(), wiring.facts())),
                Scheduler.Job.onLeaseHolder("oncall-groups", new OnCallGroupSync(config, overrides, wiring.outbox())));
    }

    /**
     * What hand-offs and cover requests need: the database they are kept in, the outbox they go
     * out by, what a hand-off tells, the audit log, and where clicks are handled after their ack.
     */
    public record Wiring(Database db, Outbox outbox, HandOffFacts facts, AuditLog audit, Executor executor) {
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("oncall").button(CoverMessages.TAKE, SlackFeature.afterAck(executor, this::takeCover));
    }

    /**
     * Take it, on a cover request: the first other member of its schedule gets the override, the
     * request's messages say who covers it and the requester is told; a later click is thanked.
     */
    private void takeCover(BlockActionPayload payload) {
        if (payload.getActions() == null || payload.getActions().isEmpty() || payload.getUser() == null
                || payload.getChannel() == null) {
            return;
        }
        String user = payload.getUser().getId();
        String channel = payload.getChannel().getId();
        String answer;
        try {
            long id = Long.parseLong(payload.getActions().getFirst().getValue());
            answer = take(id, user);
        } catch (NumberFormatException e) {
            answer = ":warning: That button is not a cover request's.";
        } catch (RuntimeException e) {
            answer = DatabaseDown.answer(LOG, e, "cover request button", ":x: That did not work ("
                    + e.getClass().getSimpleName() + "); try again in a moment.");
        }
        outbox.ephemeral(channel, user, SlackMessage.text(answer));
    }

    private String take(long id, String user) {
        Optional<Schedule> schedule = covers.find(id).map(r -> config.get().schedules().get(r.schedule()));
        if (schedule.isEmpty()) {
            return ":warning: That cover request is not known (or its schedule is gone from opsbot.yaml).";
        }
        return switch (covers.take(id, user, schedule.get())) {
            case CoverRequests.Taken.Covered covered -> {
                CoverRequest r = covered.request();
                OnCallOverride o = covered.override().override();
                for (String c : channels(schedule.get())) {
                    // postOnce finds the request's message again (it posts nothing new) to update it.
                    outbox.update(outbox.postOnce(CoverMessages.key(id, c), c, CoverMessages.open(r)), CoverMessages.covered(r, user));
                }
                OnCallText text = OnCallText.slack();
                outbox.post(r.requestedBy(), SlackMessage.text(":white_check_mark: " + SlackText.user(user)
                        + " took your cover request: they are on call for " + SlackText.code(r.schedule()) + " from "
                        + text.time(o.from()) + " until " + text.time(o.until()) + " (override " + o.id() + ")."));
                yield ":white_check_mark: Thank you: you are on call for " + SlackText.code(r.schedule()) + " from "
                        + text.time(o.from()) + " until " + text.time(o.until()) + " (override " + o.id() + ").";
            }
            case CoverRequests.Taken.AlreadyTaken taken -> ":information_source: Thank you, but "
                    + (taken.by().equals(user) ? "you have" : SlackText.user(taken.by()) + " has") + " already taken this one.";
            case CoverRequests.Taken.Refused refused -> ":information_source: " + switch (refused.reason()) {
                case OWN -> "This is your own request; another member of the schedule takes it.";
                case NOT_A_MEMBER -> "Only members of schedule " + SlackText.code(schedule.get().name()) + " can take it.";
                case OVER -> "That time is over; nothing to cover any more.";
                default -> "That cover request cannot be taken (" + refused.reason() + ").";
            };
        };
    }

    private List<String> channels(Schedule schedule) {
        return ScheduleChannels.of(config.get(), schedule);
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
