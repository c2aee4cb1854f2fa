package org.opsbot.commands.incident;

/** A postmortem template that cannot be read or rendered; the message names template, line and problem. */
public final class PostmortemException extends RuntimeException {
    public PostmortemException(String message, Throwable cause) {
        super(message, cause);
    }
}
