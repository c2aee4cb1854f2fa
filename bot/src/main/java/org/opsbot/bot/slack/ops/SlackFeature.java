package org.opsbot.bot.slack.ops;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.handler.builtin.BlockActionHandler;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.commands.access.PermissionKeys;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One capability's whole Slack surface: its {@code /ops} subcommands and its buttons and forms,
 * with the action ids it owns ({@link #routes()}). Features are listed in one place,
 * {@code Bot.features(…)}; nothing else dispatches by name or action id.
 */
public interface SlackFeature {

    /** The {@code /ops} subcommands this feature adds, in the order help lists them. */
    default List<OpsCommand> commands() {
        return List.of();
    }

    /**
     * The keys under opsbot.yaml's {@code permissions:} this feature decides on: its commands'
     * (the default), and any its buttons decide on beyond those.
     */
    default PermissionKeys permissionKeys() {
        return PermissionKeys.union(commands().stream().map(OpsCommand::permissionKeys).toList());
    }

    /** What this feature starts on its own when due (scheduled runs, timers), asked every scheduler tick. */
    default List<Scheduler.Job> jobs() {
        return List.of();
    }

    /**
     * The buttons and forms this feature answers, one line per id ({@code feature.verb}), and
     * the ids its earlier messages carried; {@code SlackApp} registers them on the Bolt app.
     */
    default SlackRoutes routes() {
        return SlackRoutes.none();
    }

    /**
     * A button handler that acks at once and does {@code work} afterwards on {@code executor}:
     * Slack shows an error after 3 seconds, and the work writes to the database and posts.
     */
    static BlockActionHandler afterAck(Executor executor, Consumer<BlockActionPayload> work) {
        return (req, ctx) -> {
            BlockActionPayload payload = req.getPayload();
            executor.execute(() -> work.accept(payload));
            return ctx.ack();
        };
    }
}
