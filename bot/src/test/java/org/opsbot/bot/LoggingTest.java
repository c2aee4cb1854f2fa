package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.opsbot.bot.logging.KnownSecrets;
import org.opsbot.bot.logging.MaskingLogProvider;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bolt is built against SLF4J 1.7; a 1.x binding next to SLF4J 2 silently selects the no-op
 * logger, and the dry-run output (messages the bot would post) would vanish with it. And every
 * line, whoever logs it, passes the secrets masker.
 */
class LoggingTest {

    @Test
    void slf4j_binds_to_the_masking_simple_logger_not_the_no_op_fallback() {
        assertThat(LoggerFactory.getILoggerFactory())
                .isInstanceOf(MaskingLogProvider.MaskingLoggerFactory.class)
                .isInstanceOf(org.slf4j.simple.SimpleLoggerFactory.class);
    }

    @Test
    void heartbeat_tokens_are_masked_like_the_webhook_tokens() {
        var settings = org.opsbot.commands.config.Settings.fromEnvironment(java.util.Map.of(
                "OPSBOT_WEBHOOK_TOKEN", "alert-token-known", "OPSBOT_HEARTBEAT_TOKEN", "beat-token-known,beat-token-next"));
        KnownSecrets.learn(settings, org.opsbot.commands.config.ConfigLoader.bundledExample().require(), java.util.Map.of());

        String log = captureStderr(() -> LoggerFactory.getLogger("org.opsbot.test")
                .warn("check-in with {} or {} refused ({})", "beat-token-known", "beat-token-next", "alert-token-known"));

        assertThat(log).doesNotContain("beat-token-known", "beat-token-next", "alert-token-known")
                .contains("check-in with *** or *** refused (***)");
    }

    @Test
    void secrets_are_masked_in_the_message_its_arguments_and_the_exception_with_its_causes() {
        KnownSecrets.add(List.of("xoxb-known-to-the-bot"));
        var failure = new IllegalStateException("posting failed",
                new RuntimeException("Connection to opsbot:S3cret@db.internal refused; url ?user=opsbot&password=S3cret"));

        String log = captureStderr(() -> LoggerFactory.getLogger("org.opsbot.test")
                .error("token {} did not work", "xoxb-known-to-the-bot", failure));

        assertThat(log).doesNotContain("xoxb-known-to-the-bot", "S3cret")
                .contains("ERROR test - token *** did not work", "java.lang.IllegalStateException: posting failed",
                        "Caused by: java.lang.RuntimeException: Connection to opsbot:***@db.internal refused",
                        "password=***", "\tat org.opsbot.bot.LoggingTest");
    }

    @Test
    void java_util_logging_of_the_database_driver_is_masked_too() {
        Main.routeJavaUtilLoggingToSlf4j();
        try {
            String log = captureStderr(() -> java.util.logging.Logger.getLogger("org.postgresql.Driver")
                    .log(java.util.logging.Level.SEVERE, "Connection error: jdbc:postgresql://opsbot:S3cret@h/db"));

            assertThat(log).contains("Connection error: jdbc:postgresql://opsbot:***@h/db").doesNotContain("S3cret");
        } finally {
            SLF4JBridgeHandler.uninstall();
        }
    }

    private static String captureStderr(Runnable logging) {
        var captured = new ByteArrayOutputStream();
        var original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void java_util_logging_from_helidon_reaches_the_same_log() {
        Main.routeJavaUtilLoggingToSlf4j();
        var root = java.util.logging.Logger.getLogger("");
        assertThat(Arrays.stream(root.getHandlers())).hasOnlyElementsOfType(SLF4JBridgeHandler.class).isNotEmpty();

        var captured = new ByteArrayOutputStream();
        var original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            java.util.logging.Logger.getLogger("io.helidon.webserver.LoomServer").warning("port in use");
        } finally {
            System.setErr(original);
            SLF4JBridgeHandler.uninstall();
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).matches("(?s)\\d{4}-\\d\\d-\\d\\dT.* WARN LoomServer - port in use\\R");
    }
}
