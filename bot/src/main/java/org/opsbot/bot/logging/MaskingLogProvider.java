package org.opsbot.bot.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.simple.SimpleLoggerFactory;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * opsbot's SLF4J provider: slf4j-simple (its format, its {@code simplelogger.properties} and
 * {@code -Dorg.slf4j.simpleLogger.*} levels), with every line going through {@link MaskingLogger},
 * so that no log line carries a secret, whatever logged it (opsbot, Helidon and pgjdbc through
 * java.util.logging, Hikari, Bolt) and however (message, arguments, exception and its causes).
 *
 * <p>slf4j-simple's own provider is on the classpath too; {@link #select()} makes SLF4J take this
 * one without the warning about several providers.
 */
public final class MaskingLogProvider extends SimpleServiceProvider {
    static final String PROVIDER_PROPERTY = "slf4j.provider";
    private static final String VERBOSITY_PROPERTY = "slf4j.internal.verbosity";

    private ILoggerFactory loggerFactory;

    /**
     * Makes SLF4J use this provider; call before the first logger is created (first in
     * {@code main}). An explicit choice (a {@code -Dslf4j.provider=…}) is left alone.
     */
    public static void select() {
        if (System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, MaskingLogProvider.class.getName());
            // Otherwise SLF4J announces the explicit choice on every start.
            if (System.getProperty(VERBOSITY_PROPERTY) == null) {
                System.setProperty(VERBOSITY_PROPERTY, "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        loggerFactory = new MaskingLoggerFactory();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    /** slf4j-simple's factory, making {@link MaskingLogger}s. */
    public static final class MaskingLoggerFactory extends SimpleLoggerFactory {
        @Override
        protected org.slf4j.Logger createLogger(String name) {
            return new MaskingLogger(name);
        }
    }
}
