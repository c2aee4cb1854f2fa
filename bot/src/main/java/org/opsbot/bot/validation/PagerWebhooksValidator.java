package org.opsbot.bot.validation;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.PagerWebhook;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.yaml.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tiers' pager webhooks against the environment: every header, routing key and API key
 * names a variable, and a variable that is not set is found by {@code opsbot validate} (and
 * refuses {@code serve}) rather than by the first page at 3 a.m.
 */
public final class PagerWebhooksValidator implements Validator {
    private final Map<String, String> environment;

    public PagerWebhooksValidator(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Report validate(Settings settings, OpsbotConfig config) {
        List<Problem> problems = new ArrayList<>();
        int webhooks = 0;
        for (Team team : config.teams().values()) {
            for (Tier tier : team.escalation().tiers()) {
                if (tier.webhook().isEmpty()) {
                    continue;
                }
                webhooks++;
                PagerWebhook webhook = tier.webhook().get();
                PagerWebhook.Expanded secrets = webhook.headers(environment);
                if (!secrets.missing().isEmpty()) {
                    problems.add(new Problem(webhook.file(), webhook.line(), webhook.path() + " ("
                            + webhook.format().configName() + ") names environment variable(s) "
                            + String.join(", ", secrets.missing()) + " that are not set",
                            "set them where opsbot runs (in Kubernetes, from a Secret)"));
                }
            }
        }
        return new Report(problems, "OK: " + webhooks + " pager webhook(s); every key they name is set");
    }
}
