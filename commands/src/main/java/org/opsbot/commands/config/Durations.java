package org.opsbot.commands.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Durations as people write them in opsbot.yaml and in Slack: {@code 30s}, {@code 15m},
 * {@code 1h}, {@code 2d}, and combinations such as {@code 1h30m}. A day is 24 hours.
 */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException with a message that says what is accepted, to be shown
     *                                  to the person who wrote the value
     */
    public static Duration parse(String text) {
        var t = text == null ? "" : text.strip();
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a duration: write a number followed by"
                    + " s, m, h or d, e.g. 30s, 15m, 1h, 2d or 1h30m");
        }
        var total = Duration.ZERO;
        var parts = PART.matcher(t);
        try {
            while (parts.find()) {
                long n = Long.parseLong(parts.group(1));
                total = total.plus(switch (parts.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is too long a duration");
        }
        return total;
    }

    /** The shortest way to write {@code d} in the syntax {@link #parse} reads. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0m";
        }
        var out = new StringBuilder();
        long s = d.toSeconds();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                out.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return out.toString();
    }
}
