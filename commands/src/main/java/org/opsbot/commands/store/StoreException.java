package org.opsbot.commands.store;

/** The database could not do what was asked; the message is safe to show (no credentials). */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
