package org.opsbot.commands.store;

import org.sqlite.SQLiteException;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a database that cannot take work right now from one that refused it: the first is
 * worth a retry (and an HTTP 503), the second is a bug (a 500). Nothing is written in either
 * case, as every write is one transaction.
 */
final class Failures {
    // PostgreSQL SQLSTATEs that say "not now" rather than "never": the server is shutting down
    // or starting (57P0x), out of connections or disk (53xxx), a lock or statement timed out
    // (55P03, 57014), or two transactions collided (40001, 40P01). Class 08 is checked apart.
    private static final Set<String> TRANSIENT_STATES = Set.of(
            "57P01", "57P02", "57P03", "55P03", "57014", "40001", "40P01");

    private Failures() {
    }

    /** Whether {@code e} or one of its causes says the database cannot take work right now. */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException s) {
                if (busy(s)) {
                    return true;
                }
            } else if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                // Hikari's "connection is not available, request timed out", JDBC timeouts.
                return true;
            } else if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || TRANSIENT_STATES.contains(state)) {
                    return true;
                }
            } else if (network(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} or one of its causes says the server could not be reached at all. */
    static boolean connection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || network(t)
                    || t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} or one of its causes is SQLite saying another connection holds the lock. */
    static boolean sqliteBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException s && busy(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A socket refused, reset, closed or timed out under the driver. Not any IOException: a
     * JSON column that does not parse is one too, and that is a bug.
     */
    private static boolean network(Throwable t) {
        return t instanceof SocketException || t instanceof SocketTimeoutException || t instanceof EOFException
                || t instanceof UnknownHostException;
    }

    private static boolean busy(SQLiteException e) {
        String code = e.getResultCode().name();
        return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
    }
}
