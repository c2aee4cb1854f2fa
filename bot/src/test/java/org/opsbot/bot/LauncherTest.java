package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the start-up banner tells the person who just started the bot. */
class LauncherTest {

    @Test
    void inSocketModeTheBannerSaysSlackArrivesOverTheSocketAndOffersNoSignedRequestToTry() {
        Settings settings = Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-banner",
                "SLACK_APP_TOKEN", "xapp-1-A1-1-banner"));

        String banner = Launcher.banner(settings, ConfigLoader.bundledExample().require(), "opsbot.yaml", 8080);

        assertThat(banner).contains("Socket Mode    Slack's requests arrive over a WebSocket the bot opens",
                "/slack/events  not served (404): Socket Mode", "/ops help in Slack")
                .doesNotContain("bin/try-ops help ", "SLACK_SIGNING_SECRET is not set", "restart with SLACK_SIGNING_SECRET");
    }

    @Test
    void overHttpTheBannerStillPointsAtTheRequestUrl() {
        Settings settings = Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-banner",
                "SLACK_SIGNING_SECRET", "banner-secret"));

        String banner = Launcher.banner(settings, ConfigLoader.bundledExample().require(), "opsbot.yaml", 8080);

        assertThat(banner).contains("/slack/events  accepts requests signed with SLACK_SIGNING_SECRET")
                .doesNotContain("Socket Mode");
    }
}
