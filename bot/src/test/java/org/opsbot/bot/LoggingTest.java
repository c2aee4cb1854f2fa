package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bolt is built against SLF4J 1.7; a 1.x binding next to SLF4J 2 silently selects the no-op
 * logger, and the dry-run output (messages the bot would post) would vanish with it.
 */
class LoggingTest {

    @Test
    void slf4j_binds_to_the_simple_logger_not_the_no_op_fallback() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName())
                .isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
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
