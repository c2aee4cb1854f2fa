package org.opsbot.bot.logging;

import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.JdbcUrls;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Every secret this process was given, and the one {@link SecretMasker} that removes them (and
 * passwords in URLs and parameters) from every log line ({@link MaskingLogger}) and from
 * outside error text that is shown in Slack. It starts with the secret-looking environment
 * variables, so that even the first log line is masked, and learns the rest once the settings and
 * opsbot.yaml are read.
 */
public final class KnownSecrets {
    private static volatile SecretMasker masker = SecretMasker.fromEnvironment(System.getenv());

    private KnownSecrets() {
    }

    public static String mask(String text) {
        return masker.mask(text);
    }

    /**
     * Learns what {@code settings} hold that the environment's names do not show: secrets read
     * from {@code *_FILE} files, each webhook token of a list, the database password, and the
     * values of the variables that the pager webhooks of {@code config} name.
     */
    public static void learn(Settings settings, OpsbotConfig config, Map<String, String> environment) {
        List<String> secrets = new ArrayList<>();
        settings.slackBotToken().ifPresent(secrets::add);
        settings.slackSigningSecret().ifPresent(secrets::add);
        settings.slackAppToken().ifPresent(secrets::add);
        secrets.addAll(settings.webhookTokens());
        secrets.addAll(settings.heartbeatTokens());
        JdbcUrls.password(settings.databaseUrl()).ifPresent(secrets::add);
        config.teams().values().forEach(team -> team.escalation().tiers().forEach(tier ->
                tier.webhook().ifPresent(webhook -> secrets.addAll(webhook.secrets(environment)))));
        add(secrets);
    }

    /** Also masks each of {@code secrets} from now on. */
    public static synchronized void add(Collection<String> secrets) {
        masker = masker.with(secrets);
    }
}
