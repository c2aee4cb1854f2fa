package org.opsbot.commands.incident;

/** A request about incidents that cannot be done; the message is for the person who asked. */
public final class IncidentException extends RuntimeException {
    public IncidentException(String message) {
        super(message);
    }
}
