package org.opsbot.bot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.BotProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code opsbot serve} whose start fails: it exits with status 1 and one line that says
 * what failed and what to do, and never says it is ready.
 */
@ExtendWith(BotProcess.PrintLogs.class)
class StartFailuresTest {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<BotProcess> bots = new ArrayList<>();

    @AfterEach
    void stop() {
        bots.forEach(BotProcess::close);
    }

    @Test
    void aSecondBotOnAPortInUseExitsWithOneLineNamingThePortAndOpsbotPort() throws Exception {
        Path database = dir.resolve("opsbot.db");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            BotProcess bot = start("port-in-use", Map.of(
                    "OPSBOT_PORT", Integer.toString(port),
                    "OPSBOT_DB", "jdbc:sqlite:" + database));

            assertThat(bot.awaitExit(EXIT)).isEqualTo(1);
            List<String> errors = errorLines(bot);
            assertThat(errors).hasSize(1);
            assertThat(errors.getFirst()).contains("port " + port, "already in use by another program", "OPSBOT_PORT=");
            assertThat(bot.output()).doesNotContain("is ready", "\tat ", "Exception");
            assertThat(database).as("the database of the bot that holds the port is left alone").doesNotExist();
        }
    }

    /** A dry run with the bundled example configuration and no runbooks, plus {@code env}. */
    private BotProcess start(String name, Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of(
                "OPSBOT_CONFIG", dir.resolve("none.yaml").toString(),
                "OPSBOT_RUNBOOKS", Files.createDirectories(dir.resolve("runbooks")).toString(),
                "OPSBOT_TEMPLATES", Path.of("..", "templates").toAbsolutePath().normalize().toString()));
        all.putAll(env);
        BotProcess bot = BotProcess.start(name, all);
        bots.add(bot);
        return bot;
    }

    /** The log's ERROR lines (the log is stderr and stdout of the process). */
    private static List<String> errorLines(BotProcess bot) {
        return bot.output().lines().filter(l -> l.contains(" ERROR ")).toList();
    }
}
