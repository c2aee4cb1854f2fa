package org.opsbot.bot.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NormalizedParameters;
import org.slf4j.simple.SimpleLogger;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * slf4j-simple's logger, masking {@link KnownSecrets} in the formatted message and in the whole
 * rendered exception (messages and causes: a driver's exception text is where passwords leak).
 */
final class MaskingLogger extends SimpleLogger {
    private static final long serialVersionUID = 1L;

    MaskingLogger(String name) {
        super(name);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
                                               Throwable throwable) {
        // Formatted here, so that secrets are masked in the arguments too; with no arguments
        // slf4j-simple prints the message as it is.
        String message = KnownSecrets.mask(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        super.handleNormalizedLoggingCall(level, marker, message, null, throwable);
    }

    /** The fluent API ({@code log.atWarn()…log()}) takes this way in slf4j-simple; it goes through the masking above. */
    @Override
    public void log(LoggingEvent event) {
        if (!isLevelEnabled(event.getLevel().toInt())) {
            return;
        }
        NormalizedParameters p = NormalizedParameters.normalize(event);
        Marker marker = event.getMarkers() == null || event.getMarkers().isEmpty() ? null : event.getMarkers().getFirst();
        handleNormalizedLoggingCall(event.getLevel(), marker, p.getMessage(), p.getArguments(), p.getThrowable());
    }

    @Override
    protected void writeThrowable(Throwable throwable, PrintStream target) {
        if (throwable == null) {
            return;
        }
        StringWriter rendered = new StringWriter();
        throwable.printStackTrace(new PrintWriter(rendered));
        target.print(KnownSecrets.mask(rendered.toString()));
    }
}
