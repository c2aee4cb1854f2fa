package org.opsbot.commands.check;

import java.util.List;

/**
 * What a check looks at: the typed settings of one check kind (a record declared by its
 * {@link CheckKind}, e.g. {@link HttpKind.Http}). The kind that reads and measures it is found
 * through {@link CheckKinds}.
 */
public interface Probe {

    /** The kind's key in a runbook file: {@code http}, {@code prometheus}, … */
    default String kind() {
        return CheckKinds.of(this).key();
    }

    /**
     * One line saying what is looked at, for {@code /ops runbook} and the terminal
     * ({@code GET http://…/status: /tasks/*}{@code /state = RUNNING}); credentials in URLs are
     * masked, header values are left out.
     */
    String describe();

    /**
     * What the value compared with thresholds is, so that thresholds carry the units that fit it
     * ({@code "> 2s"} for a latency, {@code "> 26h"} for an age, {@code "< 1MB"} for a size); a
     * unit that does not fit is refused as a mistake.
     */
    default Quantity quantity() {
        return Quantity.NUMBER;
    }

    /** Values of this probe's own settings that must never be shown (a database password). */
    default List<String> secrets() {
        return List.of();
    }
}
