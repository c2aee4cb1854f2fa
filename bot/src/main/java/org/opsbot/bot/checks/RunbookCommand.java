package org.opsbot.bot.checks;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.util.Optional;

/** {@code /ops runbook <name>}: shows a runbook in the channel, with its tickable checklist. */
final class RunbookCommand implements OpsCommand {
    private final RunbookCatalog catalog;
    private final Checklists checklists;

    RunbookCommand(RunbookCatalog catalog, Checklists checklists) {
        this.catalog = catalog;
        this.checklists = checklists;
    }

    @Override
    public String name() {
        return "runbook";
    }

    @Override
    public String usage() {
        return "<name>";
    }

    @Override
    public String summary() {
        return "shows a runbook: its checks, its checklist (tickable) and its actions";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        if (invocation.args().size() != 1) {
            throw new UsageException(invocation.args().isEmpty() ? "Which runbook? `" + invocation.command()
                    + " check` lists them." : "`runbook` takes one runbook name.");
        }
        String name = invocation.args().getFirst();
        Optional<Runbook> runbook = catalog.find(name);
        if (runbook.isEmpty()) {
            return CommandReply.ephemeral(CheckCommand.unknown(catalog, name, invocation.command() + " check", false));
        }
        invocation.executor().execute(() -> checklists.show(runbook.get(), invocation.command(), invocation.channelId()));
        return CommandReply.silent();
    }
}
