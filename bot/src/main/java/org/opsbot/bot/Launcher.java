package org.opsbot.bot;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.slf4j.LoggerFactory;

/**
 * PLACEHOLDER owned by the lead: starts the server with validated settings and configuration.
 * It exists in the {@code config} branch only so that {@link Main} compiles; the merge replaces
 * it with the real start-up (database, outbox, Slack, HTTP).
 */
public final class Launcher {

    private Launcher() {
    }

    /**
     * @param configSource where the configuration came from (a path, or
     *                     {@link org.opsbot.commands.config.ConfigLoader#BUNDLED_EXAMPLE}), for the banner
     */
    public static void serve(Settings settings, OpsbotConfig config, String configSource) {
        LoggerFactory.getLogger(Launcher.class).info("would start opsbot on port {} with {} ({}); {}",
                settings.port(), configSource, config.summary(), settings);
    }
}
