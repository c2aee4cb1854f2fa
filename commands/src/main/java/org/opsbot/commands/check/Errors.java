package org.opsbot.commands.check;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Turns what went wrong into the words an on-call engineer needs. */
public final class Errors {
    private Errors() {
    }

    public static String describe(Throwable e, Duration timeout) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof SQLTimeoutException || t instanceof SocketTimeoutException
                    || (t instanceof InterruptedIOException && m.toLowerCase(java.util.Locale.ROOT).contains("timeout"))
                    || t instanceof InterruptedException) {
                return timedOut(timeout);
            }
            if (t instanceof ConnectException) {
                return "connection refused" + (m.isEmpty() ? "" : " (" + m + ")");
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host" + (m.isEmpty() ? "" : " (" + m + ")");
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + m;
            }
            if (t instanceof SSLException) {
                return "TLS error: " + m;
            }
            if (t instanceof SQLException sql) {
                if (m.toLowerCase(java.util.Locale.ROOT).contains("cancel") || m.toLowerCase(java.util.Locale.ROOT).contains("interrupt")) {
                    return "query " + timedOut(timeout);
                }
                return "database error: " + m + (sql.getSQLState() == null ? "" : " (SQL state " + sql.getSQLState() + ")");
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static String timedOut(Duration timeout) {
        return "timeout after " + Numbers.duration(timeout);
    }
}
