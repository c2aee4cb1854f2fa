package org.opsbot.commands.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The days stats cover, whole days in the reader's time zone: {@code 7d} is today and the six
 * days before it, {@code from 2026-11-01 to 2026-11-30} both days included.
 */
public record StatsPeriod(LocalDate first, LocalDate last, ZoneId zone) {

    /** No reading of a year's pages answers within Slack's 3 s on a phone worth looking at. */
    public static final int MAX_DAYS = 366;
    public static final String EXAMPLES = "`7d`, `30d` or `from 2026-11-01 to 2026-11-30`";

    private static final Pattern DAYS = Pattern.compile("(\\d{1,3})d");
    private static final Pattern RANGE = Pattern.compile("from (\\S+) to (\\S+)");

    public StatsPeriod {
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("the period ends (" + last + ") before it starts (" + first + ")");
        }
        if (first.plusDays(MAX_DAYS).isBefore(last.plusDays(1))) {
            throw new IllegalArgumentException("a period of stats is at most " + MAX_DAYS + " days");
        }
    }

    /** The last {@code days} days, today included. */
    public static StatsPeriod lastDays(int days, ZoneId zone, Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        return new StatsPeriod(today.minusDays(days - 1L), today, zone);
    }

    /** Reads {@code 7d}, {@code 30d} or {@code from YYYY-MM-DD to YYYY-MM-DD}; blank is 7 days. */
    public static StatsPeriod parse(String text, ZoneId zone, Instant now) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return lastDays(7, zone, now);
        }
        Matcher days = DAYS.matcher(t);
        if (days.matches()) {
            int n = Integer.parseInt(days.group(1));
            if (n < 1 || n > MAX_DAYS) {
                throw new IllegalArgumentException("`" + t + "`: give 1 to " + MAX_DAYS + " days, such as " + EXAMPLES);
            }
            return lastDays(n, zone, now);
        }
        Matcher range = RANGE.matcher(t);
        if (range.matches()) {
            try {
                return new StatsPeriod(LocalDate.parse(range.group(1)), LocalDate.parse(range.group(2)), zone);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("`" + t + "`: dates are written YYYY-MM-DD, such as " + EXAMPLES);
            }
        }
        throw new IllegalArgumentException("`" + t + "` is not a period; use " + EXAMPLES);
    }

    public Instant from() {
        return first.atStartOfDay(zone).toInstant();
    }

    /** The first instant after the period. */
    public Instant until() {
        return last.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public int days() {
        return (int) Duration.between(first.atStartOfDay(), last.plusDays(1).atStartOfDay()).toDays();
    }

    /** "25 Nov – 1 Dec 2026" */
    public String label() {
        var dayMonth = java.time.format.DateTimeFormatter.ofPattern("d MMM", java.util.Locale.ENGLISH);
        var full = java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH);
        return first.equals(last) ? full.format(last) : dayMonth.format(first) + " – " + full.format(last);
    }
}
