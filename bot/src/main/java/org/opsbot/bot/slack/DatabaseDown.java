package org.opsbot.bot.slack;

import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;

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

    /**
     * What to tell the person whose command or click failed with {@code e}: {@link #ANSWER} when
     * the database is down (logged as a warning: nothing was done, they may retry), otherwise
     * {@code otherwise} (logged as an error with its stack: a bug).
     *
     * @param what the failed work, for the log ("/ops ack", "alert button alert.ack on group 7")
     */
    public static String answer(Logger log, RuntimeException e, String what, String otherwise) {
        if (is(e)) {
            log.warn("{} refused: {}", what, e.getMessage());
            return ANSWER;
        }
        // The stack trace goes to the log, not to Slack: it may hold internals or secrets.
        log.error("{} failed", what, e);
        return otherwise;
    }

    /** Whether {@code e} is the database being locked, down or unreachable (not a bug). */
    public static boolean is(Throwable e) {
        return StoreException.isUnavailable(e);
    }
}
