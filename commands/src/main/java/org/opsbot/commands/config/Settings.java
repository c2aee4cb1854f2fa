package org.opsbot.commands.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Process settings: the environment variables of PRODUCT.md ("Running it"), resolved once at
 * start-up. Secrets (tokens, signing secret) come only from here, never from opsbot.yaml.
 *
 * @param slackBotToken     {@code SLACK_BOT_TOKEN}; empty means dry-run
 * @param slackSigningSecret {@code SLACK_SIGNING_SECRET}; empty means /slack/events answers 401
 * @param slackAppToken     {@code SLACK_APP_TOKEN}; Socket Mode when present
 * @param slackApiUrl       {@code SLACK_API_URL}, always ending in '/'
 * @param port              {@code OPSBOT_PORT}
 * @param databaseUrl       {@code OPSBOT_DB}
 * @param configFile        {@code OPSBOT_CONFIG}
 * @param runbooksDir       {@code OPSBOT_RUNBOOKS}
 * @param templatesDir      {@code OPSBOT_TEMPLATES}
 * @param webhookTokens     {@code OPSBOT_WEBHOOK_TOKEN}, comma-separated
 */
public record Settings(
        Optional<String> slackBotToken,
        Optional<String> slackSigningSecret,
        Optional<String> slackAppToken,
        String slackApiUrl,
        int port,
        String databaseUrl,
        Path configFile,
        Path runbooksDir,
        Path templatesDir,
        List<String> webhookTokens) {

    public static final String DEFAULT_SLACK_API_URL = "https://slack.com/api/";

    public boolean dryRun() {
        return slackBotToken.isEmpty();
    }
}
