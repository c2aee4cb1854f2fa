package org.opsbot.bot.slack.ops;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.GroupDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * Turns {@code /ops <name> args…} into a call on the matching {@link OpsCommand}: finds it,
 * checks its permission, and turns bad input into an answer that says what would be right.
 * Never throws: whatever happens, the caller gets an ack with a message.
 */
public final class OpsRouter {

    private static final Logger log = LoggerFactory.getLogger(OpsRouter.class);

    private final OpsCommands commands;
    private final AccessPolicy policy;
    private final GroupDirectory groups;
    private final Outbox outbox;
    private final Executor executor;
    private final Function<String, Optional<String>> ownTeam;

    public OpsRouter(OpsCommands commands, AccessPolicy policy, GroupDirectory groups, Outbox outbox, Executor executor) {
        this(commands, policy, groups, outbox, executor, user -> Optional.empty());
    }

    /** @param ownTeam the caller's team when they belong to exactly one ({@code TeamMembers.soleTeam}) */
    public OpsRouter(OpsCommands commands, AccessPolicy policy, GroupDirectory groups, Outbox outbox, Executor executor,
                     Function<String, Optional<String>> ownTeam) {
        this.ownTeam = ownTeam;
        this.commands = commands;
        this.policy = policy;
        this.groups = groups;
        this.outbox = outbox;
        this.executor = executor;
    }

    public CommandReply route(SlashCommandPayload payload) {
        String slash = payload.getCommand() == null || payload.getCommand().isBlank() ? "/ops" : payload.getCommand();
        String text = SlackText.typed(payload.getText()).strip();
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
        String name = words.length == 0 ? "help" : words[0].toLowerCase(Locale.ROOT);
        List<String> args = words.length <= 1 ? List.of() : Arrays.asList(words).subList(1, words.length);
        String argsText = words.length <= 1 ? "" : text.substring(words[0].length()).strip();

        Optional<OpsCommands.Called> found = commands.call(name);
        if (found.isEmpty()) {
            return unknown(slash, name);
        }
        OpsCommand command = found.get().command();
        List<String> implied = found.get().impliedArgs();
        if (!implied.isEmpty()) {
            // A synonym for the command and its first words: answered as if they had been typed.
            List<String> all = new java.util.ArrayList<>(implied);
            all.addAll(args);
            args = all;
            argsText = (String.join(" ", implied) + " " + argsText).strip();
        }
        // Denied, a synonym names the command whose permission it has.
        if (command.permission().isPresent()) {
            Decision decision = policy.decide(command.permission().get(), payload.getUserId(), groups);
            if (decision instanceof Decision.Denied denied) {
                return CommandReply.ephemeral(":no_entry: You may not use " + SlackText.code(slash + " " + command.name()) + ": "
                        + SlackText.escape(denied.reason()));
            }
        }
        OpsInvocation invocation = new OpsInvocation(payload.getTeamId(), payload.getChannelId(),
                payload.getUserId(), payload.getUserName(), slash, args, argsText, payload.getTriggerId(),
                outbox.onBehalfOf(payload.getUserId()), executor, permission -> decide(command, permission, payload.getUserId()),
                () -> ownTeam.apply(payload.getUserId()));
        try {
            return command.handle(invocation);
        } catch (UsageException e) {
            return usageProblem(slash, command, e.getMessage());
        } catch (RuntimeException e) {
            return CommandReply.ephemeral(DatabaseDown.answer(log, e, "/ops " + name, ":warning: " + SlackText.code(slash + " " + name)
                    + " failed unexpectedly; the details are in opsbot's log."));
        }
    }

    /** A key the command did not declare could not be configured in opsbot.yaml: a bug, not a denial. */
    private Decision decide(OpsCommand command, String permission, String userId) {
        if (!command.permissionKeys().contains(permission)) {
            throw new IllegalStateException("/ops " + command.name() + " decides on the permission key '" + permission
                    + "', which its permissionKeys() do not declare");
        }
        return policy.decide(permission, userId, groups);
    }

    static String usageLine(String slash, OpsCommand command) {
        return (slash + " " + command.name() + " " + command.usage()).strip();
    }

    /** The usage of the command {@code word} calls, as that word: {@code /ops acknowledge <id>}. */
    private String usageLine(String slash, String word) {
        OpsCommands.Called called = commands.call(word).orElseThrow();
        return called.impliedArgs().isEmpty()
                ? (slash + " " + word + " " + called.command().usage()).strip()
                : usageLine(slash, called.command());
    }

    private CommandReply unknown(String slash, String name) {
        String problem = SlackText.code(slash + " " + name, 60) + " is not a command.";
        Optional<String> closest = commands.closestTo(name);
        String hint = closest.map(c -> " Did you mean " + SlackText.code(usageLine(slash, c)) + "?")
                .orElse("");
        String text = problem + hint + " " + SlackText.code(slash + " help") + " lists them all.";
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(":grey_question: " + text))));
        return CommandReply.ephemeral(SlackMessage.of(text, blocks));
    }

    /** @param problem mrkdwn the command wrote, with what was typed escaped ({@link UsageException}) */
    private CommandReply usageProblem(String slash, OpsCommand command, String problem) {
        String usage = SlackText.code(usageLine(slash, command));
        String text = problem + " Usage: " + usage + " — " + command.summary();
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(":grey_exclamation: " + problem))),
                context(c -> c.elements(List.of(markdownText("Usage: " + usage + " — " + command.summary())))));
        return CommandReply.ephemeral(SlackMessage.of(text, blocks));
    }
}
