package org.opsbot.bot.alerts;

import org.opsbot.bot.slack.SlackMarkup;

import java.time.Instant;

/** Slack mrkdwn for text that came from outside: escaped, bounded, and times in the reader's zone. */
final class Mrkdwn {
    private Mrkdwn() {
    }

    /**
     * Slack's three control characters. Escaped, an annotation cannot open a link, mention
     * {@code <!channel>} or forge a user mention.
     */
    static String escape(String s) {
        return SlackMarkup.escape(s);
    }

    /** Escaped and cut to {@code max} characters of the original text, on one line. */
    static String plain(String s, int max) {
        return escape(SlackMarkup.cut(s.replaceAll("\\s+", " ").strip(), max));
    }

    /** Inline code can hold neither a backtick nor a newline. */
    static String code(String s, int max) {
        return "`" + plain(s.replace('`', '\''), max) + "`";
    }

    /** A time each reader sees in their own zone; the fallback is UTC. */
    static String date(long epochMillis) {
        long seconds = epochMillis / 1000;
        return "<!date^" + seconds + "^{date_short_pretty} {time}|" + Instant.ofEpochSecond(seconds).toString().replace("T", " ").replace("Z", " UTC") + ">";
    }

    static String user(String id) {
        return id == null ? "someone" : "<@" + id + ">";
    }

    /** A link whose URL was checked to be http(s) without Slack's control characters. */
    static String link(String url, String label) {
        return "<" + url.replace("&", "&amp;") + "|" + label + ">";
    }
}
