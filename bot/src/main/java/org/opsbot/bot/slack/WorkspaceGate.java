package org.opsbot.bot.slack;

import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.bolt.response.Response;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Supplier;

import static com.slack.api.bolt.middleware.MiddlewareOps.isNoAuthRequiredRequest;

/**
 * Stands where Bolt's {@code SingleTeamAuthorization} would: that middleware calls
 * {@code auth.test} on the request path (at the first request and again whenever its cache
 * expires), so while Slack is unreachable every request would fail with a 500. This gate needs
 * no network: it knows the bot token and the bot's own workspace already, and refuses requests
 * from any other workspace (a shared channel's guests) before a handler sees them.
 */
final class WorkspaceGate implements Middleware {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceGate.class);

    private final Supplier<Optional<String>> ownTeamId;
    private final String botToken;
    private final MeterRegistry meters;

    WorkspaceGate(Supplier<Optional<String>> ownTeamId, String botToken, MeterRegistry meters) {
        this.ownTeamId = ownTeamId;
        this.botToken = botToken;
        this.meters = meters;
    }

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        if (isNoAuthRequiredRequest(req.getRequestType())) {
            return chain.next(req);
        }
        if (botToken != null && req.getContext().getBotToken() == null) {
            req.getContext().setBotToken(botToken);
        }
        Optional<String> own = ownTeamId.get();
        String teamId = req.getContext().getTeamId();
        if (own.isPresent() && own.get().equals(teamId)) {
            return chain.next(req);
        }
        // Dry-run without SLACK_TEAM_ID: no token means no workspace to learn or to protect, and
        // the signing secret still guards the door, so a newcomer can try commands locally.
        if (own.isEmpty() && botToken == null) {
            return chain.next(req);
        }
        meters.counter(SlackApp.REFUSED_METER, "reason", "foreign_team").increment();
        log.info("refused a {} from workspace {} (opsbot serves {})",
                req.getRequestType(), teamId, own.orElse("an unknown workspace"));
        return refusal(req.getRequestType(), own);
    }

    private static Response refusal(RequestType type, Optional<String> own) {
        return switch (type) {
            case Command -> Response.json(200, SlashCommandResponse.builder()
                    .responseType("ephemeral")
                    .text(own.map(id -> "This bot only serves workspace " + id + ".")
                            .orElse("opsbot does not know its own workspace yet, so it answers no one; "
                                    + "an admin can set SLACK_TEAM_ID."))
                    .build());
            // Events are acknowledged so Slack does not retry what will never be handled.
            case Event -> Response.ok();
            default -> Response.error(403);
        };
    }
}
