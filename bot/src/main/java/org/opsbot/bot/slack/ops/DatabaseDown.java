package org.opsbot.bot.slack.ops;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What a person in Slack is told when their command or click failed because the database
 * cannot take work right now: that nothing was done, and to try again. Every write is one
 * transaction, so "nothing" is true.
 */
public final class DatabaseDown {
    public static final String ANSWER = ":warning: opsbot cannot store anything right now "
            + "(its database is unavailable), so nothing was done. Please try again in a minute.";

    private DatabaseDown() {
    }

    /**
     * What to tell the person whose command or click failed with {@code e}: {@link #ANSWER} when
     * the database is down (logged as a warning: nothing was done, they may retry), otherwise
     * {@code otherwise} (logged as an error with its stack: a bug).
     *
     * @param what the failed work, for the log ("/ops ack", "alert button alert.ack on group 7")
     */
    public static String answer(Logger log, RuntimeException e, String what, String otherwise) {
        if (is(e)) {
            log.warn("{} refused: {}", what, e.getMessage());
            return ANSWER;
        }
        // The stack trace goes to the log, not to Slack: it may hold internals or secrets.
        log.error("{} failed", what, e);
        return otherwise;
    }

    /**
     * The answer to a Slack request that may not run because the database went down before its
     * handler was reached (its signature could not be recorded, so it could be a replay): what
     * its handler says when the database fails under it. A command hears {@link #ANSWER} in its
     * response; a click is acknowledged, and told on {@code executor} (the outbox sends an
     * ephemeral message straight to Slack when it cannot store it); anything else gets no answer
     * here, so the server answers 503 and Slack retries an event.
     */
    public static Function<Request<?>, Optional<Response>> beforeHandling(Outbox outbox, Executor executor) {
        return request -> switch (request) {
            case SlashCommandRequest command -> Optional.of(Response.json(200,
                    SlashCommandResponse.builder().responseType("ephemeral").text(ANSWER).build()));
            case BlockActionRequest click -> {
                BlockActionPayload p = click.getPayload();
                String user = p.getUser() == null ? null : p.getUser().getId();
                String channel = p.getChannel() != null ? p.getChannel().getId()
                        : p.getContainer() != null ? p.getContainer().getChannelId() : null;
                if (user != null && channel != null) {
                    executor.execute(() -> outbox.ephemeral(channel, user, SlackMessage.text(ANSWER)));
                }
                yield Optional.of(Response.ok());
            }
            default -> Optional.empty();
        };
    }

    /** Whether {@code e} is the database being locked, down or unreachable (not a bug). */
    public static boolean is(Throwable e) {
        return StoreException.isUnavailable(e);
    }
}
