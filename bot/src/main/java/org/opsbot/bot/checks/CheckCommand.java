package org.opsbot.bot.checks;

import org.opsbot.bot.slack.text.SlackText;
import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/** {@code /ops check [runbook]}: runs a runbook's checks and posts the report in the channel. */
final class CheckCommand implements OpsCommand {
    private final RunbookCatalog catalog;
    private final ChannelRun runs;
    private final Optional<String> permission;

    /** @param permission {@code check} when opsbot.yaml's {@code permissions:} lists it; else open to all */
    CheckCommand(RunbookCatalog catalog, ChannelRun runs, Optional<String> permission) {
        this.catalog = catalog;
        this.runs = runs;
        this.permission = permission;
    }

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String usage() {
        return "[runbook]";
    }

    @Override
    public String summary() {
        return "runs a runbook's checks and posts the report; without a name, lists the runbooks";
    }

    @Override
    public Optional<String> permission() {
        return permission;
    }

    /** Declared whether or not opsbot.yaml lists it: listing it is what closes the command. */
    @Override
    public PermissionKeys permissionKeys() {
        return PermissionKeys.of(ChecksFeature.PERMISSION);
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        if (invocation.args().isEmpty()) {
            return CommandReply.ephemeral(ReportMessage.list(catalog.all(), invocation.command()));
        }
        if (invocation.args().size() > 1) {
            throw new UsageException("`check` takes one runbook name.");
        }
        String name = invocation.args().getFirst();
        Optional<Runbook> runbook = catalog.find(name);
        if (runbook.isEmpty()) {
            return CommandReply.ephemeral(unknown(catalog, name, invocation.command() + " check", true));
        }
        if (runbook.get().checks().isEmpty()) {
            return CommandReply.ephemeral(noChecks(runbook.get(), invocation.command()));
        }
        runs.start(runbook.get(), invocation.userId(), invocation.channelId());
        // The channel message is the answer; an ack with text would only repeat it.
        return CommandReply.silent();
    }

    /** A runbook of only a checklist or actions: nothing to run, but something to show. */
    static SlackMessage noChecks(Runbook runbook, String slash) {
        return SlackMessage.text("*" + SlackText.escape(runbook.name()) + "* has no automated checks; "
                + SlackText.code(slash + " runbook " + runbook.name()) + " shows its checklist and actions.");
    }

    /** "There is no runbook x. Did you mean …?", with a Run button for each close name if asked. */
    static SlackMessage unknown(RunbookCatalog catalog, String name, String listCommand, boolean runButtons) {
        List<String> close = catalog.suggestions(name);
        String text = ":grey_question: There is no runbook " + SlackText.code(name, 80) + "."
                + (close.isEmpty() ? "" : " Did you mean " + String.join(" or ", close.stream().map(SlackText::code).toList()) + "?")
                + " `" + listCommand + "` lists them all.";
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(text))));
        if (runButtons && !close.isEmpty()) {
            blocks.add(actions(a -> a.elements(close.stream().map(c -> ReportMessage.runButton("Run " + c, c)).toList())));
        }
        String fallback = "There is no runbook " + SlackText.plain(name, 80) + "." + (close.isEmpty() ? "" : " Did you mean "
                + SlackText.escape(String.join(" or ", close)) + "?");
        return SlackMessage.of(fallback, blocks);
    }
}
