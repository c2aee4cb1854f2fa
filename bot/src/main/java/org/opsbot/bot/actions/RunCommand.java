package org.opsbot.bot.actions;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.approval.NotAllowed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /ops run <runbook/action> [name=value …] [why]} and, with {@code breakGlass},
 * {@code /ops breakglass …}. The values are checked before the ack, so a bad one is answered at
 * once; storing, posting and running happen on the executor.
 */
final class RunCommand implements OpsCommand {
    static final String PERMISSION = "run";
    private final ActionsFeature feature;
    private final boolean breakGlass;

    RunCommand(ActionsFeature feature, boolean breakGlass) {
        this.feature = feature;
        this.breakGlass = breakGlass;
    }

    @Override
    public String name() {
        return breakGlass ? "breakglass" : "run";
    }

    @Override
    public String usage() {
        return breakGlass ? "<runbook/action> [name=value …] <why it cannot wait>" : "<runbook/action> [name=value …] [why]";
    }

    @Override
    public String summary() {
        return breakGlass ? "emergency role only: runs an action without approval, announced to the team"
                : "runs a runbook action, at once or after approval";
    }

    @Override
    public Optional<String> permission() {
        // Break glass is decided by the emergency role itself, so it also works for someone who
        // holds nothing else.
        return breakGlass ? Optional.empty() : Optional.of(PERMISSION);
    }

    /** The words after the reference: {@code name=value} pairs first, then the reason. */
    record Parsed(String reference, Map<String, String> values, String reason) {
    }

    static Parsed parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("Say which action to run.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        int i = 1;
        for (; i < args.size(); i++) {
            String word = args.get(i);
            int eq = word.indexOf('=');
            if (eq <= 0) {
                break;
            }
            String name = word.substring(0, eq);
            if (values.put(name, unescape(word.substring(eq + 1))) != null) {
                throw new UsageException(SlackText.code(name) + " is given twice.");
            }
        }
        String reason = unescape(String.join(" ", args.subList(i, args.size())));
        return new Parsed(args.get(0), values, reason);
    }

    // Slack escapes &, < and > in command text; values are compared with what the runbook allows.
    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Override
    public CommandReply handle(OpsInvocation inv) throws UsageException {
        if (inv.args().isEmpty()) {
            return CommandReply.ephemeral(ActionMessages.list(feature.approvals().all(), breakGlass));
        }
        Parsed p = parse(inv.args());
        Approvals.Target target;
        try {
            target = feature.approvals().find(p.reference());
            feature.approvals().plan(target, p.values());
        } catch (InvalidParameters e) {
            boolean known = feature.knows(p.reference());
            return CommandReply.ephemeral(ActionMessages.problems(p.reference(), e.problems(), known));
        }
        if (breakGlass && p.reason().isBlank()) {
            throw new UsageException("Break glass needs a reason after the values: why can this not wait for an approval?");
        }
        if (!breakGlass && target.action().approval().isPresent() && p.reason().isBlank()) {
            throw new UsageException(SlackText.escape(target.reference()) + " needs approval, so say why after the values"
                    + " (the approvers read it), e.g. " + SlackText.code("/ops run " + target.reference() + " "
                    + String.join(" ", p.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    + " the sink is stuck since 02:00") + ".");
        }
        if (breakGlass) {
            try {
                feature.checkEmergency(inv.userId());
            } catch (NotAllowed e) {
                return CommandReply.ephemeral(":no_entry: " + SlackText.person(e.getMessage()));
            }
        }
        inv.executor().execute(() -> feature.start(target, p.values(), inv.userId(), p.reason(), inv.channelId(), breakGlass));
        String title = SlackText.plain(target.action().title(), 150);
        return CommandReply.ephemeral(breakGlass ? ":rotating_light: Breaking glass for " + title + "…"
                : target.action().approval().isPresent() ? "Asking for approval of " + title + "…"
                : "Running " + title + "…");
    }
}
