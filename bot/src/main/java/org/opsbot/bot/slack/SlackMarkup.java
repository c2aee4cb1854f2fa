package org.opsbot.bot.slack;

/** Text into Slack's mrkdwn, the same way for every feature. */
public final class SlackMarkup {
    private SlackMarkup() {
    }

    /**
     * Escapes Slack's three control characters, so text from alerts, runbooks, people or program
     * output can never open a link, mention {@code <!channel>} or forge a user mention.
     */
    public static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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
