package org.opsbot.commands.model;

/**
 * How a check ended, from best to worst. ERROR ranks below CRIT: it means "could not tell",
 * while CRIT is a confirmed problem; both make {@code opsbot check} exit 2.
 */
public enum Status {
    OK, WARN, ERROR, CRIT;

    public Status worse(Status other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** The exit code of {@code opsbot check}: 0 OK, 1 WARN, 2 CRIT or ERROR. */
    public int exitCode() {
        return switch (this) {
            case OK -> 0;
            case WARN -> 1;
            case ERROR, CRIT -> 2;
        };
    }
}
