package org.opsbot.bot.actions;

import org.opsbot.bot.slack.SlackMarkup;

import java.time.Instant;

/** Slack mrkdwn pieces. Everything a person typed or a program printed goes through {@link #escape}. */
final class Mrkdwn {

    private Mrkdwn() {
    }

    /**
     * Escapes &amp;, &lt; and &gt;, so typed text or program output can never become a mention,
     * a {@code <!channel>} or a link.
     */
    static String escape(String s) {
        return SlackMarkup.escape(s);
    }

    /** Inline code; backticks inside would end it early, so they become a look-alike. */
    static String code(String s) {
        return "`" + escape(s).replace('`', 'ˋ') + "`";
    }

    /** A code block for program output. */
    static String block(String s) {
        return "```\n" + escape(s).replace("```", "ˋˋˋ") + "\n```";
    }

    /** A time every reader sees in their own zone, with a UTC fallback. */
    static String date(Instant at) {
        return SlackMarkup.date(at);
    }

    static String user(String id) {
        return id.matches("[UW][A-Z0-9]+") ? "<@" + id + ">" : escape(id);
    }

    /** Slack allows 3,000 characters in a section; keep the end, where outcomes are. */
    static String fit(String s, int max) {
        return SlackMarkup.cut(s, max);
    }
}
