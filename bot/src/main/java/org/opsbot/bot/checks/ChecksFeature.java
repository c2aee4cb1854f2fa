package org.opsbot.bot.checks;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SentPosts;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookChecklists;
import org.opsbot.commands.runbook.RunbookSchedules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Runbook checks in Slack: {@code /ops check}, {@code /ops runbook}, the Run buttons, the
 * checklist checkboxes and the scheduled runs.
 *
 * <p>Who may run checks: everyone, unless opsbot.yaml's {@code permissions:} lists
 * {@code check}; then only those roles, for the command and the buttons alike. Looking at a
 * runbook and ticking its checklist is open to everyone who sees it.
 */
public final class ChecksFeature implements SlackFeature {
    private static final Logger LOG = LoggerFactory.getLogger(ChecksFeature.class);
    static final String PERMISSION = "check";
    /** The permission keys of {@code /ops check} and the Run buttons. */
    public static final PermissionKeys PERMISSION_KEYS = PermissionKeys.of(PERMISSION);
    /**
     * The ids before they were named {@code feature.verb}. Reports and runbook messages posted
     * before then still carry them, so they stay routed.
     */
    private static final Map<String, String> LEGACY_IDS = Map.of(
            "checks.run", ReportMessage.RUN_ACTION,
            "checks.checklist", RunbookMessage.CHECKLIST_ACTION);

    private final Runbooks runbooks;
    private final ChannelRun runs;
    private final Checklists checklists;
    private final Outbox outbox;
    private final Executor executor;
    private final AccessPolicy policy;
    private final GroupDirectory groups;
    private final Optional<String> permission;
    private final ScheduledRunbooks scheduled;

    /**
     * @param runbooks a valid catalog (the bot refuses to start otherwise) and the runner
     * @param checklists records checklist ticks
     * @param schedules  claims scheduled runs for this replica
     * @param posts      finds the post a tick was made on
     * @param executor   where runs and ticks go, off Slack's 3-second request path
     */
    public ChecksFeature(Runbooks runbooks, Supplier<OpsbotConfig> config, RunbookChecklists checklists, RunbookSchedules schedules,
                         Outbox outbox, SentPosts posts, Executor executor, AccessPolicy policy, GroupDirectory groups,
                         Clock clock) {
        this.runbooks = runbooks;
        this.outbox = outbox;
        this.executor = executor;
        this.policy = policy;
        this.groups = groups;
        this.permission = config.get().permissions().containsKey(PERMISSION) ? Optional.of(PERMISSION) : Optional.empty();
        this.runs = new ChannelRun(runbooks.checks(), outbox, executor);
        this.checklists = new Checklists(runbooks.catalog(), checklists, outbox, posts, clock);
        this.scheduled = new ScheduledRunbooks(runbooks.catalog(), schedules, runs, config);
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(new CheckCommand(runbooks.catalog(), runs, permission),
                new RunbookCommand(runbooks.catalog(), checklists));
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(scheduled);
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("check", LEGACY_IDS)
                .button(ReportMessage.RUN_ACTION, this::run)
                .button(RunbookMessage.CHECKLIST_ACTION, this::tick);
    }

    /** Run, Run again, Try again: runs the runbook the button names, after the ack. */
    private Response run(BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        String user = p.getUser().getId();
        String channel = channel(p);
        String name = p.getActions().stream().filter(a -> ReportMessage.RUN_ACTION.equals(a.getActionId()))
                .map(BlockActionPayload.Action::getValue).findFirst().orElse("");
        executor.execute(() -> runClicked(name, user, channel));
        return ctx.ack();
    }

    /** A tick or untick in a checklist: recorded and shown on the message, after the ack. */
    private Response tick(BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        String user = p.getUser().getId();
        String channel = channel(p);
        String messageTs = p.getContainer() == null ? null : p.getContainer().getMessageTs();
        for (BlockActionPayload.Action a : p.getActions()) {
            if (!RunbookMessage.CHECKLIST_ACTION.equals(a.getActionId())) {
                continue;
            }
            Set<Integer> selected = a.getSelectedOptions() == null ? Set.of() : a.getSelectedOptions().stream()
                    .map(BlockActionPayload.Action.SelectedOption::getValue)
                    .filter(v -> v != null && v.matches("\\d{1,4}"))
                    .map(Integer::parseInt)
                    .collect(Collectors.toSet());
            String blockId = a.getBlockId();
            executor.execute(() -> {
                try {
                    checklists.ticked(blockId, selected, user, channel, messageTs);
                } catch (RuntimeException e) {
                    LOG.error("Checklist tick by {} failed", user, e);
                    outbox.ephemeral(channel, user, SlackMessage.text(
                            ":warning: Your tick could not be recorded; the details are in opsbot's log. Try again."));
                }
            });
        }
        return ctx.ack();
    }

    private void runClicked(String name, String user, String channel) {
        try {
            switch (pick(name, user, "/ops check", true)) {
                case Pick.Refused refused -> outbox.ephemeral(channel, user, refused.answer());
                case Pick.Run run -> runs.start(run.runbook(), user, channel);
            }
        } catch (RuntimeException e) {
            LOG.error("Run button for {} clicked by {} failed", name, user, e);
        }
    }

    /**
     * Runs runbook {@code name}'s checks and posts the report to {@code channel}, once per
     * {@code key} however often it is asked (a maintenance window's verification at its end).
     *
     * @return false when there is no such runbook
     */
    public boolean runOnce(String key, String name, String actor, String channel, String note) {
        Optional<Runbook> runbook = runbooks.catalog().find(name);
        runbook.ifPresent(r -> runs.startOnce(key, r, actor, channel, Optional.of(note), () -> true));
        return runbook.isPresent();
    }

    /**
     * Runs a runbook's checks for {@code user} with the report as a reply in the thread of
     * {@code parentId} (an outbox message id): an alert group's Run runbook button. Decided as
     * {@code /ops check} decides: the {@code check} permission when opsbot.yaml lists it, a known
     * runbook, one with checks.
     *
     * @return empty when the run started; otherwise the answer for {@code user} alone
     */
    public Optional<SlackMessage> runInThread(String name, String user, long parentId) {
        // No Run buttons under "did you mean": they would report in the channel, not this thread.
        return switch (pick(name, user, "/ops check", false)) {
            case Pick.Refused refused -> Optional.of(refused.answer());
            case Pick.Run run -> {
                runs.startInThread(run.runbook(), user, parentId);
                yield Optional.empty();
            }
        };
    }

    /** What a click or a thread run may run, or the caller's answer saying why not. */
    private sealed interface Pick {
        record Run(Runbook runbook) implements Pick {
        }

        record Refused(SlackMessage answer) implements Pick {
        }
    }

    private Pick pick(String name, String user, String listCommand, boolean runButtons) {
        if (permission.isPresent() && policy.decide(permission.get(), user, groups) instanceof Decision.Denied denied) {
            return new Pick.Refused(SlackMessage.text(":no_entry: You may not run checks: " + SlackText.escape(denied.reason())));
        }
        Optional<Runbook> runbook = runbooks.catalog().find(name);
        if (runbook.isEmpty()) {
            return new Pick.Refused(CheckCommand.unknown(runbooks.catalog(), name, listCommand, runButtons));
        }
        if (runbook.get().checks().isEmpty()) {
            return new Pick.Refused(CheckCommand.noChecks(runbook.get(), "/ops"));
        }
        return new Pick.Run(runbook.get());
    }

    private static String channel(BlockActionPayload p) {
        if (p.getChannel() != null && p.getChannel().getId() != null) {
            return p.getChannel().getId();
        }
        return p.getContainer() == null ? null : p.getContainer().getChannelId();
    }
}
