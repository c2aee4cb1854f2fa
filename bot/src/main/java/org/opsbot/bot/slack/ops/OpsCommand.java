package org.opsbot.bot.slack.ops;

import org.opsbot.commands.access.PermissionKeys;

import java.util.List;
import java.util.Optional;

/**
 * One {@code /ops} subcommand. Implementations are listed in {@link OpsCommands}; the router
 * finds them by {@link #name()} or one of their {@link #synonyms()}, checks {@link #permission()} and only then calls
 * {@link #handle}.
 *
 * <p>{@code handle} runs before Slack's 3-second ack deadline: anything slow (a Slack call,
 * a check run, a database scan) goes to {@link OpsInvocation#executor()} and reports through
 * {@link OpsInvocation#outbox()}, while {@code handle} returns at once with what to ack.
 */
public interface OpsCommand {

    /** The word after {@code /ops}, lower case. */
    String name();

    /**
     * Other words people use for this command, answered exactly as it (its permission, its
     * usage): {@code List.of(Synonym.of("acknowledge"))}. The bot refuses to start when two
     * commands claim the same word.
     */
    default List<Synonym> synonyms() {
        return List.of();
    }

    /** Arguments as shown to users, e.g. {@code "<id> [reason]"}; empty when it takes none. */
    String usage();

    /** One line for {@code /ops help}. */
    String summary();

    /** The key under opsbot.yaml's {@code permissions:} that gates the whole command; empty when everyone may use it. */
    default Optional<String> permission() {
        return Optional.empty();
    }

    /**
     * Every key under opsbot.yaml's {@code permissions:} this command decides on: its
     * {@link #permission()}, and what it asks {@link OpsInvocation#decide} about for a part of
     * itself ({@code override.cancel}) or for what it does ({@code declare-top-severity}).
     * opsbot.yaml may name only keys that a registered command declares, and the router refuses
     * a decision on a key its command did not declare.
     */
    default PermissionKeys permissionKeys() {
        return permission().map(PermissionKeys::of).orElse(PermissionKeys.none());
    }

    /**
     * @throws UsageException when the arguments are wrong; the router answers with the
     *                        problem and this command's usage
     */
    CommandReply handle(OpsInvocation invocation) throws UsageException;
}
