package org.opsbot.commands.runbook;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.model.ChecklistTick;
import org.opsbot.commands.store.ChecklistStore;
import org.opsbot.commands.store.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ticks of runbooks' manual checklists. A view of a checklist shows the ticks made since it
 * was posted; a tick is a record (who, when, and in the audit log), so unticking a box erases
 * nothing, and ticking an item already ticked in that view records nothing new.
 */
public final class RunbookChecklists {
    private final ChecklistStore store;
    private final AuditLog audit;

    public RunbookChecklists(Database db, AuditLog audit, Clock clock) {
        this.store = new ChecklistStore(db, clock);
        this.audit = audit;
    }

    /** Every tick of {@code runbook} at or after {@code since}, oldest first. */
    public List<ChecklistTick> ticks(String runbook, Instant since) {
        return store.ticks(runbook, since);
    }

    /**
     * Records {@code user}'s ticks of the items at {@code selected} in the view posted at
     * {@code since}: only items that exist and have no tick in that view yet.
     *
     * @return the view's ticks now, to show it again
     */
    public List<ChecklistTick> tick(Runbook runbook, Instant since, Set<Integer> selected, String user) {
        Map<Integer, ChecklistTick> already = firstTicks(runbook, store.ticks(runbook.name(), since));
        for (int item : selected) {
            if (item >= 0 && item < runbook.checklist().size() && !already.containsKey(item)) {
                String text = runbook.checklist().get(item);
                store.tick(runbook.name(), item, text, user);
                audit.append(user, "checklist.tick", runbook.name(), Map.of("item", item + 1, "text", text));
            }
        }
        return store.ticks(runbook.name(), since);
    }

    /** The first tick of each item, by position; a tick whose text no longer matches the item is ignored. */
    public static Map<Integer, ChecklistTick> firstTicks(Runbook runbook, List<ChecklistTick> ticks) {
        Map<Integer, ChecklistTick> first = new LinkedHashMap<>();
        for (ChecklistTick t : ticks) {
            if (t.item() >= 0 && t.item() < runbook.checklist().size() && runbook.checklist().get(t.item()).equals(t.text())) {
                first.putIfAbsent(t.item(), t);
            }
        }
        return first;
    }
}
