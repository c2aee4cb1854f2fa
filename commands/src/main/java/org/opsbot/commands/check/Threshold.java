package org.opsbot.commands.check;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit a check's value is compared with, written like {@code "> 1000"}, {@code ">= 80%"},
 * {@code "< 5"}, {@code "!= 0"}, {@code "> 2s"}, {@code "> 26h"} or {@code "< 1MB"}. The
 * threshold is crossed when the comparison holds. Times ({@code ms s m h d}) are compared in
 * milliseconds, sizes ({@code B KB MB GB TB}, any case, {@code KiB} alike) in bytes, counted in
 * 1024s as {@code du -h} and {@code ls -lh} do; {@code %} is only a reminder that the value is a
 * percentage. Which units fit which value is {@link Quantity}'s rule.
 *
 * @param text     as written, for reports
 * @param operator one of {@code > >= < <= == !=}
 * @param limit    the number compared with (milliseconds for times, bytes for sizes)
 * @param unit     the kind of unit it was written with
 */
public record Threshold(String text, String operator, double limit, Unit unit) {
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*(>=|<=|==|!=|=|>|<)\\s*(-?\\d+(?:\\.\\d+)?)\\s*(%|ms|s|m|h|d|(?i:[kmgt]i?b|b))?\\s*");

    /** What a threshold's unit measures. */
    public enum Unit { NONE, PERCENT, TIME, SIZE }

    /** The threshold, or empty when {@code text} is not one (see {@link #SYNTAX_HELP}). */
    public static Optional<Threshold> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String op = m.group(1).equals("=") ? "==" : m.group(1);
        double limit = Double.parseDouble(m.group(2));
        String written = m.group(3) == null ? "" : m.group(3);
        String sizeUnit = written.toUpperCase(Locale.ROOT).replace("IB", "B");
        Unit unit = switch (written) {
            case "" -> Unit.NONE;
            case "%" -> Unit.PERCENT;
            case "ms", "s", "m", "h", "d" -> Unit.TIME;
            default -> Unit.SIZE;
        };
        limit = switch (unit) {
            case TIME -> limit * switch (written) {
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                default -> 1L;
            };
            case SIZE -> limit * switch (sizeUnit) {
                case "KB" -> 1L << 10;
                case "MB" -> 1L << 20;
                case "GB" -> 1L << 30;
                case "TB" -> 1L << 40;
                default -> 1L;
            };
            default -> limit;
        };
        return Optional.of(new Threshold(text.trim(), op, limit, unit));
    }

    public static final String SYNTAX_HELP =
            "write a comparison and a number, e.g. \"> 1000\", \">= 80%\", \"< 5\", \"!= 0\", \"> 2s\", \"> 26h\" or \"< 1MB\"";

    public boolean crossedBy(double value) {
        return switch (operator) {
            case ">" -> value > limit;
            case ">=" -> value >= limit;
            case "<" -> value < limit;
            case "<=" -> value <= limit;
            case "==" -> value == limit;
            case "!=" -> value != limit;
            default -> throw new IllegalStateException(operator);
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
