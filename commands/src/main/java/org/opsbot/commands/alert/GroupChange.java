package org.opsbot.commands.alert;

import org.opsbot.commands.model.StoredAlertGroup;

import java.util.List;

/**
 * What one webhook or one action did to a group, after it was committed.
 *
 * @param opened        the group is new: its parent message is still to be posted
 * @param parentChanged the parent message no longer shows the current state
 * @param notes         what to tell in the thread, in order
 */
public record GroupChange(StoredAlertGroup group, boolean opened, boolean parentChanged, List<AlertNote> notes) {

    public GroupChange {
        notes = List.copyOf(notes);
    }
}
