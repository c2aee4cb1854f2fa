package org.opsbot.commands.check;

/**
 * What a check's value is, so that its thresholds are written in units that fit it: a latency
 * takes {@code "> 2s"} (or a plain number of milliseconds, as it always did), an age must say
 * {@code "> 26h"} and a size {@code "< 1MB"}, while any other value takes no unit but {@code %}.
 */
public enum Quantity {
    /** A count, a metric, a percentage: thresholds are plain numbers. */
    NUMBER("a plain number", "write the number in the value's own unit, e.g. \"> 10\" for a metric in seconds"),
    /** Milliseconds a call took; a plain number is milliseconds. */
    LATENCY("a latency", "write a time, e.g. \"> 2s\" or \"> 500ms\""),
    /** Milliseconds since something happened; the unit is required, a bare number would be ambiguous. */
    AGE("an age", "write a time with its unit, e.g. \"> 26h\", \"> 2d\" or \"> 90m\""),
    /** Bytes; the unit is required, a bare number would be ambiguous. */
    SIZE("a size", "write a size with its unit, e.g. \"< 1MB\", \"> 500KB\" or \"> 2GB\"");

    private final String described;
    private final String fix;

    Quantity(String described, String fix) {
        this.described = described;
        this.fix = fix;
    }

    /** Why {@code threshold} does not fit a value of this quantity, or null when it does. */
    public String mismatch(Threshold threshold) {
        Threshold.Unit unit = threshold.unit();
        boolean fits = switch (this) {
            case NUMBER -> unit == Threshold.Unit.NONE || unit == Threshold.Unit.PERCENT;
            case LATENCY -> unit == Threshold.Unit.NONE || unit == Threshold.Unit.TIME;
            case AGE -> unit == Threshold.Unit.TIME;
            case SIZE -> unit == Threshold.Unit.SIZE;
        };
        if (fits) {
            return null;
        }
        return switch (unit) {
            case TIME -> "has a time unit, but this check's value is " + (this == NUMBER ? "not a latency" : described);
            case SIZE -> "has a size unit, but this check's value is " + (this == NUMBER ? "not a size" : described);
            case PERCENT -> "is a percentage, but this check's value is " + described;
            case NONE -> "has no unit, but this check's value is " + described;
        };
    }

    /** How to write a threshold that fits. */
    public String fix() {
        return fix;
    }
}
