package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
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
    void theTryLinesActAsAResponderOfTheLoadedConfigurationForCommandsThatNeedARole() {
        Settings settings = Settings.fromEnvironment(Map.of("SLACK_SIGNING_SECRET", "local-secret",
                "OPSBOT_WEBHOOK_TOKEN", "secret-token"));
        OpsbotConfig config = ConfigParser.parse("""
                roles:
                  oncall: ["@sre", U0GRACE001]
                teams:
                  web: {channel: "#web-alerts"}
                  db: {channel: "#db-alerts", responders: oncall}
                routes:
                  - {team: web}
                """, "opsbot.yaml").require();

        String banner = Launcher.banner(settings, config, "opsbot.yaml", 8080);

        assertThat(banner).contains("  TRY_OPS_USER=U0GRACE001 bin/try-ops ack 1   (acknowledges the sample alert group"
                        + " as U0GRACE001, of role 'oncall' here; without TRY_OPS_USER, bin/try-ops acts as a user with no role)",
                "  bin/try-ops check opsbot", "  bin/opsbot check local");
    }

    @Test
    void withoutASigningSecretOrAResponderThereIsNoTryOpsUserToOffer() {
        Settings unsigned = Settings.fromEnvironment(Map.of());
        Settings signed = Settings.fromEnvironment(Map.of("SLACK_SIGNING_SECRET", "local-secret"));
        OpsbotConfig nobody = ConfigParser.parse("teams: {web: {channel: \"#web\"}}\nroutes: [{team: web}]\n",
                "opsbot.yaml").require();

        assertThat(Launcher.banner(unsigned, ConfigLoader.bundledExample().require(), "opsbot.yaml", 8080))
                .doesNotContain("TRY_OPS_USER").contains("bin/opsbot check local");
        assertThat(Launcher.banner(signed, nobody, "opsbot.yaml", 8080)).doesNotContain("TRY_OPS_USER");
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
