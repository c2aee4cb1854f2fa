package org.opsbot.bot.slack.ops;

/** Bad input to a command; the message says what was wrong and is shown to the user. */
public final class UsageException extends Exception {

    public UsageException(String problem) {
        super(problem, null, false, false);
    }
}
