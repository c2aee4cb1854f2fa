package org.opsbot.bot.slack;

import org.opsbot.commands.store.StoreException;

/**
 * What a person in Slack is told when their command or click failed because the database
 * cannot take work right now: that nothing was done, and to try again. Every write is one
 * transaction, so "nothing" is true.
 */
public final class DatabaseDown {
    public static final String ANSWER = ":warning: opsbot cannot store anything right now "
            + "(its database is unavailable), so nothing was done. Please try again in a minute.";

    private DatabaseDown() {
    }

    /** Whether {@code e} is the database being locked, down or unreachable (not a bug). */
    public static boolean is(Throwable e) {
        return StoreException.isUnavailable(e);
    }
}
