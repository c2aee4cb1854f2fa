package org.opsbot.bot.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is set up, so that it does not print "There is no Helidon logging
 * implementation on classpath" at every start. Helidon looks for a {@link LoggingProvider}
 * through {@link java.util.ServiceLoader} and prints that line to stderr when there is none.
 * opsbot's logging needs nothing from Helidon: SLF4J's simple logger is configured by
 * {@code simplelogger.properties}, and {@code Main} routes java.util.logging, which Helidon's
 * System.Logger calls end in, to it. (helidon-logging-slf4j is Helidon's own provider for SLF4J
 * and would do the same; its release for this Helidon version is not in the Maven repository
 * the build uses.)
 */
public final class HelidonLogging implements LoggingProvider {

    /** For {@link java.util.ServiceLoader}. */
    public HelidonLogging() {
    }

    @Override
    public void initialization() {
        // configured by opsbot itself, see above
    }

    @Override
    public void runTime() {
        // only called in a GraalVM native image, which opsbot is not
    }
}
