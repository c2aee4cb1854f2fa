package org.opsbot.commands.check;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit a check's value is compared with, written like {@code "> 1000"}, {@code ">= 80%"},
 * {@code "< 5"}, {@code "!= 0"} or {@code "> 2s"}. The threshold is crossed when the comparison
 * holds. Times are compared in milliseconds ({@code s} is turned into ms); {@code %} is only a
 * reminder that the value is a percentage.
 *
 * @param text     as written, for reports
 * @param operator one of {@code > >= < <= == !=}
 * @param limit    the number compared with (milliseconds for time units)
 */
public record Threshold(String text, String operator, double limit) {
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*(>=|<=|==|!=|=|>|<)\\s*(-?\\d+(?:\\.\\d+)?)\\s*(%|ms|s|m)?\\s*");

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
        String unit = m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT);
        limit = switch (unit) {
            case "s" -> limit * 1000;
            case "m" -> limit * 60_000;
            default -> limit;
        };
        return Optional.of(new Threshold(text.trim(), op, limit));
    }

    public static final String SYNTAX_HELP =
            "write a comparison and a number, e.g. \"> 1000\", \">= 80%\", \"< 5\", \"!= 0\" or \"> 2s\"";

    /** Whether it was written with a time unit, so it only makes sense for a latency. */
    public boolean isTime() {
        return text.matches(".*\\d\\s*(ms|s|m)\\s*");
    }

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
