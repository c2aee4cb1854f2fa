package org.opsbot.bot.checks;

import org.opsbot.bot.slack.SlackMarkup;

import org.opsbot.commands.check.Status;

import java.time.Duration;
import java.time.Instant;

/** Small pieces of Slack text the check messages share. */
final class SlackText {

    private SlackText() {
    }

    static String emoji(Status status) {
        return switch (status) {
            case OK -> ":white_check_mark:";
            case WARN -> ":warning:";
            case CRIT -> ":red_circle:";
            case ERROR -> ":x:";
        };
    }

    /** A time each reader sees in their own zone; the fallback is for clients that cannot. */
    static String date(Instant at) {
        return SlackMarkup.date(at);
    }

    /** Who started a run, as a person reads it: a mention, "the schedule `0 6 * * *`" or "the terminal". */
    static String actor(String actor) {
        if (actor.startsWith("schedule:")) {
            return "the schedule `" + actor.substring("schedule:".length()) + "`";
        }
        if (actor.equals("cli")) {
            return "the terminal";
        }
        return "<@" + actor + ">";
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }

    /** Slack's mrkdwn treats these three as markup; text from runbooks and checks is escaped. */
    static String escape(String text) {
        return SlackMarkup.escape(text);
    }

    static String cut(String text, int max) {
        return SlackMarkup.cut(text, max);
    }
}
