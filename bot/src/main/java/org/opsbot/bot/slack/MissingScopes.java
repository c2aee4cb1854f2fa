package org.opsbot.bot.slack;

import org.opsbot.commands.config.OpsbotConfig;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Scopes the configuration needs that the bot token lacks, as {@code /health/ready} warns of
 * them: a token installed from an older manifest keeps working for everything else.
 */
public final class MissingScopes {
    static final String USERGROUPS_WRITE = "usergroups:write";

    private MissingScopes() {
    }

    /** @param granted the token's scopes (auth.test's {@code x-oauth-scopes}); empty while unknown, which warns of nothing */
    public static List<String> of(Optional<Set<String>> granted, OpsbotConfig config) {
        if (granted.isEmpty() || granted.get().contains(USERGROUPS_WRITE)) {
            return List.of();
        }
        List<String> handles = config.schedules().values().stream().flatMap(s -> s.slackUsergroup().stream())
                .map(h -> "@" + h).toList();
        if (handles.isEmpty()) {
            return List.of();
        }
        return List.of("the app lacks the " + USERGROUPS_WRITE + " scope, so " + String.join(", ", handles)
                + " cannot be kept equal to who is on call: add it (see slack-app-manifest.yaml) and reinstall the app");
    }
}
