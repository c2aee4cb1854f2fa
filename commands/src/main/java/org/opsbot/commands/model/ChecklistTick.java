package org.opsbot.commands.model;

import java.time.Instant;

/**
 * Who ticked an item of a runbook's manual checklist, and when.
 *
 * @param item the item's position in the runbook's checklist, from 0
 * @param text the item's text when it was ticked (a reworded item is not ticked any more)
 */
public record ChecklistTick(String runbook, int item, String text, String tickedBy, Instant tickedAt) {
}
