package org.opsbot.bot.slack;

import com.slack.api.bolt.App;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.OpsCommand;

import java.util.List;

/**
 * One capability's whole Slack surface: its {@code /ops} subcommands and its buttons, modals
 * and events, with the action ids it owns. Features are listed in one place,
 * {@code Bot.features(…)}; nothing else dispatches by name or action id.
 */
public interface SlackFeature {

    /** The {@code /ops} subcommands this feature adds, in the order help lists them. */
    default List<OpsCommand> commands() {
        return List.of();
    }

    /** What this feature starts on its own when due (scheduled runs, timers), asked every scheduler tick. */
    default List<Scheduler.Job> jobs() {
        return List.of();
    }

    /** Registers this feature's block actions, view submissions and events on the Bolt app. */
    default void register(App app) {
    }
}
