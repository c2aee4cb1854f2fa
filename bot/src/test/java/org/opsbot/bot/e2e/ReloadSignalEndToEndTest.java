package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kill -HUP} to a real {@code opsbot serve}: it reloads instead of dying, and refuses a broken file. */
@ExtendWith(BotProcess.PrintLogs.class)
class ReloadSignalEndToEndTest {
    @TempDir
    Path dir;
    private BotProcess bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
    }

    @Test
    void sighupReloadsAValidChangeAndRefusesABrokenOneWithItsLine() throws Exception {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), ExampleText.forOtherRunbooks());
        Files.createDirectories(dir.resolve("runbooks"));
        // Dry run (no token): the process is all that matters here.
        bot = BotProcess.start("reload-signal", Map.of(
                "OPSBOT_DB", TestDatabases.sqliteUrl(),
                "OPSBOT_CONFIG", config.toString(),
                "OPSBOT_RUNBOOKS", dir.resolve("runbooks").toString(),
                "OPSBOT_TEMPLATES", Path.of("..", "templates").toAbsolutePath().normalize().toString()))
                .awaitReady(Duration.ofSeconds(60));

        String withBilling = ExampleText.forOtherRunbooks().replace("  ops: {channel: \"#ops\"}\n",
                "  ops: {channel: \"#ops\"}\n  billing: {channel: \"#billing-alerts\"}\n");
        int teams = org.opsbot.commands.config.ConfigParser.parse(withBilling, "opsbot.yaml").require().teams().size();
        assertThat(withBilling).contains("billing");
        Files.writeString(config, withBilling);
        hangUp();
        Eventually.await("the reload", Duration.ofSeconds(20), () -> bot.logged("Reloaded (SIGHUP)"));
        assertThat(bot.logged("(" + teams + " teams")).as(bot.tail(20)).isTrue();

        Files.writeString(config, ExampleText.forOtherRunbooks().replace("routes:\n", "routes:\n  - {team: bililng}\n"));
        hangUp();
        Eventually.await("the refusal", Duration.ofSeconds(20), () -> bot.logged("Reload (SIGHUP) refused"));

        assertThat(bot.output()).contains("routes[0].team names team 'bililng', which is not defined under teams:");
        assertThat(bot.isAlive()).as("SIGHUP without a handler would have ended the JVM").isTrue();
    }

    private void hangUp() throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(bot.pid())).start().waitFor()).isZero();
    }
}
