package org.opsbot.commands.store;

/**
 * The database could not do what was asked; the message is safe to show (no credentials).
 * {@link #unavailable()} separates a database that cannot take work right now (locked, down,
 * unreachable: try again later, an HTTP 503) from one that refused it for good (a bug: a 500).
 */
public final class StoreException extends RuntimeException {
    private final boolean unavailable;

    public StoreException(String message) {
        this(message, null, false);
    }

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StoreException(String message, Throwable cause, boolean unavailable) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    /** The database is locked, down or unreachable: nothing was written, and a retry may work. */
    public static StoreException unavailable(String message, Throwable cause) {
        return new StoreException(message, cause, true);
    }

    /** Whether the same work may succeed when tried again later; nothing of it was written. */
    public boolean unavailable() {
        return unavailable;
    }

    /** Whether {@code e}, or what caused it, says the database cannot take work right now. */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException s && s.unavailable) {
                return true;
            }
        }
        return false;
    }
}
