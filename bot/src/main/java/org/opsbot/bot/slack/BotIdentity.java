package org.opsbot.bot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.SlackApiException;
import org.opsbot.bot.background.Backoff;
import org.opsbot.bot.outbox.SlackWebApi;
import org.opsbot.commands.store.SettingStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Which Slack workspace this bot belongs to. {@code SLACK_TEAM_ID} pins it; otherwise the bot
 * asks Slack ({@code auth.test}) in the background until it gets an answer, and keeps the
 * answer in the database so a restart during a Slack outage still knows it. Requests from any
 * other workspace are refused.
 */
public final class BotIdentity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BotIdentity.class);
    static final String TEAM_ID = "slack-team-id";
    // 1 s, doubling up to a minute.
    private static final Backoff RETRIES = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0);

    private final Optional<String> pinned;
    private final SettingStore settings;
    private volatile String learned;
    private volatile Optional<java.util.Set<String>> scopes = Optional.empty();
    private volatile Thread asking;

    public BotIdentity(Optional<String> pinnedTeamId, SettingStore settings) {
        this.pinned = pinnedTeamId.filter(s -> !s.isBlank());
        this.settings = settings;
    }

    /** The bot's workspace id, if it is known yet. */
    public Optional<String> teamId() {
        if (pinned.isPresent()) {
            return pinned;
        }
        if (learned == null) {
            try {
                settings.get(TEAM_ID).ifPresent(id -> learned = id);
            } catch (StoreException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(learned);
    }

    /** Asks Slack who the bot is, in the background, retrying until Slack answers. */
    public void learn(String botToken, String slackApiUrl) {
        SlackConfig config = SlackWebApi.config(slackApiUrl);
        var methods = Slack.getInstance(config).methods(botToken);
        asking = Thread.ofVirtual().name("opsbot-auth-test").start(() -> {
            int attempt = 0;
            while (!Thread.currentThread().isInterrupted()) {
                Duration wait = RETRIES.delay(++attempt);
                try {
                    var answer = methods.authTest(r -> r);
                    if (answer.isOk()) {
                        scopes = scopes(answer.getHttpResponseHeaders());
                        remember(answer.getTeamId(), answer.getTeam(), answer.getUserId());
                        return;
                    }
                    LOG.warn("Slack refused the bot token in auth.test ({}); check SLACK_BOT_TOKEN", answer.getError());
                } catch (IOException | SlackApiException e) {
                    LOG.warn("Cannot ask Slack who the bot is yet ({}); retrying in {} s", e.getMessage(), wait.toSeconds());
                } catch (StoreException e) {
                    LOG.warn("Cannot store the bot's workspace yet: {}", e.getMessage());
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The scopes the bot token was granted, as auth.test's {@code x-oauth-scopes} header lists them; empty until known. */
    public Optional<java.util.Set<String>> scopes() {
        return scopes;
    }

    private static Optional<java.util.Set<String>> scopes(java.util.Map<String, java.util.List<String>> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase("x-oauth-scopes"))
                .flatMap(e -> e.getValue().stream())
                .findFirst()
                .map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    private void remember(String teamId, String teamName, String botUserId) {
        if (pinned.isPresent() && !pinned.get().equals(teamId)) {
            LOG.error("SLACK_TEAM_ID is {} but the bot token belongs to workspace {} ({}); requests from {} are refused",
                    pinned.get(), teamId, teamName, teamId);
            return;
        }
        settings.put(TEAM_ID, teamId);
        learned = teamId;
        LOG.info("Connected to Slack workspace {} ({}) as bot user {}", teamName, teamId, botUserId);
    }

    @Override
    public void close() {
        Thread t = asking;
        if (t != null) {
            t.interrupt();
        }
    }
}
