package org.opsbot.bot.slack.ops;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.commands.access.Decision;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One {@code /ops <name> args…} call, as a handler sees it.
 *
 * <p>Slack's {@code response_url} is deliberately absent: it is a credential, and a record's
 * {@code toString} would put it in any log line that prints an invocation. Handlers answer
 * later through the {@link Outbox}.
 *
 * @param args      the words after the command name (Slack's escaping, e.g. {@code <@U123|ann>},
 *                  left as is so user ids survive)
 * @param argsText  everything after the command name, for free text such as an incident title
 * @param triggerId lets a handler open a modal within 3 seconds
 * @param executor  where slow work goes, so the ack is not delayed
 * @param access    decides further permissions for this caller, for commands whose rule
 *                  depends on their arguments (declaring the top severity, say)
 * @param ownTeam   the caller's team when they belong to exactly one ({@code TeamMembers}): what
 *                  an optional {@code [team]} argument defaults to
 */
public record OpsInvocation(
        String teamId,
        String channelId,
        String userId,
        String userName,
        String command,
        List<String> args,
        String argsText,
        String triggerId,
        Outbox outbox,
        Executor executor,
        Function<String, Decision> access,
        Supplier<Optional<String>> ownTeam) {

    /** The word that asks for every team where a command would otherwise default to the caller's. */
    public static final String ALL_TEAMS = "all";

    public OpsInvocation {
        args = List.copyOf(args);
    }

    public OpsInvocation(String teamId, String channelId, String userId, String userName, String command, List<String> args,
                         String argsText, String triggerId, Outbox outbox, Executor executor, Function<String, Decision> access) {
        this(teamId, channelId, userId, userName, command, args, argsText, triggerId, outbox, executor, access, Optional::empty);
    }

    /**
     * The team a command's optional {@code [team]} means: the one named ({@code first}), none for
     * {@link #ALL_TEAMS}, else the caller's own team when they belong to exactly one.
     */
    public Optional<String> teamOr(Optional<String> first) {
        if (first.isPresent()) {
            return first.filter(t -> !t.equalsIgnoreCase(ALL_TEAMS));
        }
        return ownTeam.get();
    }

    /** Whether this caller holds {@code permission} (a key under opsbot.yaml's {@code permissions:}). */
    public Decision decide(String permission) {
        return access.apply(permission);
    }
}
