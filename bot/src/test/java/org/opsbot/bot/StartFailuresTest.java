package org.opsbot.bot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real {@code opsbot serve} whose start fails: it exits with status 1 and one line that says
 * what failed and what to do, never says it is ready, and never logs a password. The bots are
 * started together (each is a JVM of its own, which takes seconds to start), and each test
 * looks at how one of them ended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(BotProcess.PrintLogs.class)
class StartFailuresTest {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final String PASSWORD = "S3cret-never-in-a-log";

    @TempDir
    static Path dir;

    private final List<BotProcess> bots = new ArrayList<>();
    private ServerSocket taken;
    private Path portInUseDatabase;
    private BotProcess portInUse;
    private BotProcess databasePassword;
    private BotProcess wrongPassword;

    @BeforeAll
    void startEveryBotThatCannotStart() throws Exception {
        portInUseDatabase = dir.resolve("opsbot.db");
        taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        portInUse = start("port-in-use", Map.of(
                "OPSBOT_PORT", Integer.toString(taken.getLocalPort()),
                "OPSBOT_DB", "jdbc:sqlite:" + portInUseDatabase));

        int nothingListens;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            nothingListens = closed.getLocalPort();
        }
        databasePassword = start("database-password", Map.of(
                "OPSBOT_DB", "jdbc:postgresql://opsbot:" + PASSWORD + "@127.0.0.1:" + nothingListens + "/opsbot"));

        String wrong = wrongPasswordUrl();
        if (wrong != null) {
            wrongPassword = start("database-wrong-password", Map.of("OPSBOT_DB", wrong));
        }
    }

    @AfterAll
    void stop() throws IOException {
        bots.forEach(BotProcess::close);
        if (taken != null) {
            taken.close();
        }
    }

    @Test
    void aSecondBotOnAPortInUseExitsWithOneLineNamingThePortAndOpsbotPort() {
        BotProcess bot = portInUse;
        int port = taken.getLocalPort();

        assertThat(bot.awaitExit(EXIT)).isEqualTo(1);
        List<String> errors = errorLines(bot);
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst()).contains("port " + port, "already in use by another program", "OPSBOT_PORT=");
        assertThat(bot.output()).doesNotContain("is ready", "\tat ", "Exception");
        assertThat(portInUseDatabase).as("the database of the bot that holds the port is left alone").doesNotExist();
    }

    @Test
    void aDatabaseThatCannotBeOpenedStopsTheStartWithOneLineThatNeverShowsItsPassword() {
        BotProcess bot = databasePassword;

        assertThat(bot.awaitExit(EXIT)).isEqualTo(1);
        assertThat(errorLines(bot)).singleElement().asString()
                .contains("Not starting: Could not prepare the database jdbc:postgresql://opsbot:***@127.0.0.1:",
                        "unknown host opsbot:***@127.0.0.1", "Check OPSBOT_DB");
        assertThat(bot.output()).doesNotContain(PASSWORD, "is ready", "\tat ");
    }

    @Test
    void aWrongDatabasePasswordIsReportedWithoutThePassword() {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "needs OPSBOT_TEST_POSTGRES_URL");
        assumeTrue(wrongPassword != null, "OPSBOT_TEST_POSTGRES_URL has no password= to get wrong");
        BotProcess bot = wrongPassword;

        assertThat(bot.awaitExit(EXIT)).isEqualTo(1);
        assertThat(errorLines(bot)).singleElement().asString()
                .contains("Not starting:", "password authentication failed", "password=***", "Check OPSBOT_DB");
        assertThat(bot.output()).doesNotContain(PASSWORD, "is ready", "\tat ");
    }

    /** The test PostgreSQL's URL with a wrong password, or null without one (or without a password= in it). */
    private static String wrongPasswordUrl() {
        if (!TestDatabases.dialects().contains(Dialect.POSTGRESQL)) {
            return null;
        }
        String wrong = TestDatabases.POSTGRES_URL.replaceAll("([?&])password=[^&]*", "$1password=" + PASSWORD);
        return wrong.contains(PASSWORD) ? wrong : null;
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
