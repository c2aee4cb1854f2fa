package org.opsbot.bot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.SlackSignature;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.builtin.RequestVerification;
import com.slack.api.bolt.middleware.builtin.SSLCheck;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.event.AppMentionEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.outbox.SlackWebApi;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsRouter;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.commands.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Builds the Bolt {@link App} that every Slack request goes through: slash commands, buttons,
 * modals and events. Handlers here only translate; work and Web API calls go elsewhere
 * (the {@link OpsRouter}'s commands, the {@link Outbox}).
 */
public final class SlackApp {

    /** Requests refused before a handler ran, tagged with {@code reason}. */
    public static final String REFUSED_METER = "opsbot.slack.requests.refused";

    // Every slash command the Slack app defines lands on the router, so a team that names its
    // command /ops-staging needs no code change; Slack only sends the commands it was given.
    private static final Pattern ANY_COMMAND = Pattern.compile("^/.+$");

    private SlackApp() {
    }

    /**
     * @param settings  the bot token (absent in dry-run), signing secret and Web API base URL
     * @param ownTeamId the workspace the bot serves (SLACK_TEAM_ID, or learned from auth.test);
     *                  while empty, every request is refused
     * @param router    {@code /ops} dispatch
     * @param ledger    remembers Events API deliveries so retries do nothing twice
     * @param outbox    where handlers send messages
     * @param meters    where request counters go
     * @param features  the capabilities whose buttons, modals and events the app handles
     */
    public static App create(Settings settings, Supplier<Optional<String>> ownTeamId, OpsRouter router,
                             EventLedger ledger, Outbox outbox, MeterRegistry meters, List<SlackFeature> features) {
        SlackConfig slackConfig = SlackWebApi.config(settings.slackApiUrl());
        AppConfig config = AppConfig.builder()
                // Set both explicitly: AppConfig otherwise reads SLACK_BOT_TOKEN itself.
                .singleTeamBotToken(settings.slackBotToken().orElse(null))
                .signingSecret(settings.slackSigningSecret().orElse(null))
                .slack(Slack.getInstance(slackConfig))
                // An event nobody handles is acked, not answered 404, so Slack does not retry it.
                .allEventsApiAutoAckEnabled(true)
                .build();

        // Passing our own list keeps Bolt from building its default one, whose
        // SingleTeamAuthorization calls auth.test when the app starts and whenever its cache
        // expires (AppConfig.authTestCacheExpirationMillis only stretches the interval): a Slack
        // outage would turn every request into a 500. IgnoringSelfEvents is left out too, as it
        // may call bots.info on the request path; MentionHandler ignores bots itself.
        List<Middleware> middleware = new ArrayList<>();
        middleware.add(new AnswerGuard());
        middleware.add(new SSLCheck(null));
        settings.slackSigningSecret().ifPresent(secret -> middleware.add(new RequestVerification(
                new SlackSignature.Verifier(new SlackSignature.Generator(secret)))));
        middleware.add(new WorkspaceGate(ownTeamId, config.getSingleTeamBotToken(), meters));
        middleware.add(new EventDeduplication(ledger, meters));

        App app = new App(config, middleware);
        app.command(ANY_COMMAND, (req, ctx) -> ack(ctx, router.route(req.getPayload())));
        app.event(AppMentionEvent.class, new MentionHandler(outbox));
        SlackRoutes.register(app, features.stream().map(SlackFeature::routes).toList());
        return app;
    }

    private static Response ack(SlashCommandContext ctx, CommandReply reply) {
        if (reply.message().isEmpty()) {
            return ctx.ack();
        }
        SlackMessage message = reply.message().get();
        return ctx.ack(SlashCommandResponse.builder()
                .responseType(reply.inChannel() ? "in_channel" : "ephemeral")
                .text(message.text())
                .blocks(message.blocks().isEmpty() ? null : message.blocks())
                .attachments(message.attachments().isEmpty() ? null : message.attachments())
                .build());
    }
}
