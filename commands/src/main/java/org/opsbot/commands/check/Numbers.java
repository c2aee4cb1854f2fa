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
