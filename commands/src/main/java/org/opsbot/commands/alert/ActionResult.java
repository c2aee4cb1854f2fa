package org.opsbot.commands.alert;

import org.opsbot.commands.model.StoredAlertGroup;

/** The outcome of someone acting on a group: done, or why nothing changed. */
public sealed interface ActionResult {

    record Done(GroupChange change) implements ActionResult {
    }

    /** Nothing changed, e.g. it was acknowledged already; {@code why} is shown to whoever asked. */
    record Unchanged(StoredAlertGroup group, String why) implements ActionResult {
    }

    record NotFound(long id) implements ActionResult {
    }
}
