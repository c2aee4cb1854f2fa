package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.yaml.Suggestions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * {@code /ops contacts [team]}: whom to reach about a team's systems (people, vendors, channels),
 * as each seed's manual ends with them. Open to everyone in the workspace, like {@code oncall}:
 * opsbot.yaml is where they are written, and reading them changes nothing.
 */
final class ContactsCommand implements OpsCommand {
    private final Supplier<OpsbotConfig> config;

    ContactsCommand(Supplier<OpsbotConfig> config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "contacts";
    }

    @Override
    public String usage() {
        return "[team]";
    }

    @Override
    public String summary() {
        return "the team's contacts (people, vendors, channels)";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        OpsbotConfig now = config.get();
        List<String> args = invocation.args();
        if (args.size() > 1) {
            throw new UsageException("Name one team, or none for all of them.");
        }
        List<Team> teams = args.isEmpty() ? List.copyOf(now.teams().values()) : List.of(team(now, args.getFirst()));
        List<com.slack.api.model.block.LayoutBlock> blocks = new ArrayList<>();
        StringBuilder fallback = new StringBuilder("Contacts");
        for (Team team : teams) {
            if (args.isEmpty() && team.contacts().isEmpty()) {
                continue;
            }
            String body = "*" + SlackText.escape(team.name()) + "*\n" + (team.contacts().isEmpty()
                    ? "_No contacts: add them under teams." + SlackText.escape(team.name()) + ".contacts in opsbot.yaml._"
                    : String.join("\n", team.contacts().stream().map(c -> "• " + ContactsText.line(c)).toList()));
            // A section holds at most 3,000 characters.
            String shown = SlackText.fit(body, 3000);
            blocks.add(section(s -> s.text(markdownText(shown))));
            fallback.append("\n").append(team.name()).append(": ").append(team.contacts().size()).append(" contact(s)");
        }
        if (blocks.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("_No team has contacts yet: add them under a team's"
                    + " `contacts:` in opsbot.yaml._"))));
        }
        // Slack allows 50 blocks in a message.
        return CommandReply.ephemeral(SlackMessage.of(fallback.toString(), blocks.subList(0, Math.min(50, blocks.size()))));
    }

    private static Team team(OpsbotConfig config, String name) throws UsageException {
        Team team = config.teams().get(name);
        if (team == null) {
            String hint = Suggestions.closest(name, config.teams().keySet()).map(t -> " Did you mean " + SlackText.code(t) + "?")
                    .orElse(" Teams: " + String.join(", ", config.teams().keySet().stream().map(SlackText::code).toList()) + ".");
            throw new UsageException("There is no team " + SlackText.code(name, 40) + "." + hint);
        }
        return team;
    }
}
