package org.opsbot.commands.check;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Numbers and durations as a person reads them in a report. */
final class Numbers {
    private Numbers() {
    }

    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** {@code 5 s}, {@code 300 ms}, {@code 1.5 s}, {@code 2 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return format(ms / 1000.0) + " s";
        }
        return format(ms / 60_000.0) + " min";
    }

    /** {@code 42 s}, {@code 15 min}, {@code 26.5 h}, {@code 3.2 d}: the largest unit that reads well. */
    static String age(Duration d) {
        double s = d.toMillis() / 1000.0;
        if (s < 120) {
            return format(Math.round(s * 10) / 10.0) + " s";
        }
        if (s < 2 * 3600) {
            return format(Math.round(s / 60 * 10) / 10.0) + " min";
        }
        if (s < 2 * 86400) {
            return format(Math.round(s / 3600 * 10) / 10.0) + " h";
        }
        return format(Math.round(s / 86400 * 10) / 10.0) + " d";
    }

    /** {@code 512 B}, {@code 1.5 KB}, {@code 120 MB}, {@code 2.1 GB}, in 1024s as thresholds count them. */
    static String size(long bytes) {
        String[] units = {"KB", "MB", "GB", "TB"};
        if (Math.abs(bytes) < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int i = -1;
        while (Math.abs(v) >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return format(Math.round(v * 10) / 10.0) + " " + units[i];
    }

    static double parse(String s) {
        return Double.parseDouble(s.trim());
    }

    static boolean isNumber(String s) {
        try {
            parse(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
