package org.opsbot.bot.slack.ops;

/**
 * Bad input to a command; the message says what was wrong and is shown to the user. It is
 * mrkdwn: what the user typed goes into it through {@link org.opsbot.bot.slack.text.SlackText}
 * (usually {@code SlackText.code(word)}).
 */
public final class UsageException extends Exception {

    public UsageException(String problem) {
        super(problem, null, false, false);
    }
}
