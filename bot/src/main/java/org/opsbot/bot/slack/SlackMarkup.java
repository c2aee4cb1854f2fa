package org.opsbot.bot.slack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Text into Slack's mrkdwn, the same way for every feature. */
public final class SlackMarkup {
    private static final DateTimeFormatter FALLBACK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private SlackMarkup() {
    }

    /**
     * Escapes Slack's three control characters, so text from alerts, runbooks, people or program
     * output can never open a link, mention {@code <!channel>} or forge a user mention.
     */
    public static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A time every reader sees in their own zone; UTC for notifications, the log and old clients. */
    public static String date(Instant at) {
        return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|" + FALLBACK.format(at) + ">";
    }

    /** At most {@code max} characters, ending in "…" when cut, never splitting a surrogate pair. */
    public static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
