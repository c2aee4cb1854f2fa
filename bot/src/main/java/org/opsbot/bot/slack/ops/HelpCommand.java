package org.opsbot.bot.slack.ops;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

/** {@code /ops help}: the command list, only for the caller. */
final class HelpCommand implements OpsCommand {

    // Slack refuses a section text over 3,000 characters; a dozen lines stay well below.
    private static final int LINES_PER_SECTION = 12;

    private final Supplier<List<OpsCommand>> commands;

    HelpCommand(Supplier<List<OpsCommand>> commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String usage() {
        return "[command]";
    }

    @Override
    public String summary() {
        return "lists the commands";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        List<OpsCommand> all = commands.get();
        if (invocation.args().isEmpty()) {
            return CommandReply.ephemeral(message(invocation.command(), all));
        }
        if (invocation.args().size() > 1) {
            throw new UsageException("`help` takes at most one command name.");
        }
        String wanted = invocation.args().getFirst();
        OpsCommand command = all.stream().filter(c -> c.name().equalsIgnoreCase(wanted)
                        || c.synonyms().stream().anyMatch(w -> w.word().equalsIgnoreCase(wanted))).findFirst()
                .orElseThrow(() -> new UsageException(SlackText.code(wanted, 40) + " is not a command."));
        return CommandReply.ephemeral(message(invocation.command(), List.of(command)));
    }

    /** The command's synonyms: {@code  (also: `/ops acknowledge`)}, or nothing. */
    private static String also(String slashCommand, OpsCommand command) {
        if (command.synonyms().isEmpty()) {
            return "";
        }
        return " (also: " + command.synonyms().stream()
                .map(s -> SlackText.code(slashCommand + " " + s.word())
                        + (s.standsFor().isEmpty() ? "" : " for " + SlackText.code(slashCommand + " " + s.meaning(command))))
                .collect(java.util.stream.Collectors.joining(", ")) + ")";
    }

    static SlackMessage message(String slashCommand, List<OpsCommand> commands) {
        List<String> lines = commands.stream()
                .map(c -> SlackText.code(OpsRouter.usageLine(slashCommand, c)) + " — " + c.summary()
                        + (c.permission().isPresent() ? " :lock:" : "") + also(slashCommand, c))
                .toList();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("opsbot commands"))));
        for (int from = 0; from < lines.size(); from += LINES_PER_SECTION) {
            String chunk = String.join("\n", lines.subList(from, Math.min(lines.size(), from + LINES_PER_SECTION)));
            blocks.add(section(s -> s.text(markdownText(chunk))));
        }
        boolean anyLocked = commands.stream().anyMatch(c -> c.permission().isPresent());
        String legend = (anyLocked ? ":lock: needs a role from opsbot.yaml's `permissions:`. " : "")
                + "Answers like this one are only visible to you."
                + (commands.stream().anyMatch(c -> c.usage().contains("[team"))
                ? " A `[team]` left out means your team when you belong to exactly one; `all` means every team. "
                + org.opsbot.commands.config.TeamMembers.RULE : "");
        blocks.add(context(c -> c.elements(List.of(markdownText(legend)))));
        String fallback = "opsbot commands:\n" + String.join("\n", lines);
        return SlackMessage.of(fallback, blocks);
    }
}
