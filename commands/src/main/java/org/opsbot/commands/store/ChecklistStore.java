package org.opsbot.commands.store;

import org.opsbot.commands.model.ChecklistTick;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** ChecklistTicks of a runbook's manual checklist items: who ticked which item, and when. */
public final class ChecklistStore {
    private final Database db;
    private final Clock clock;

    public ChecklistStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public ChecklistTick tick(String runbook, int item, String text, String user) {
        Instant now = clock.instant();
        db.write(h -> h.createUpdate("""
                        INSERT INTO checklist_tick (runbook, item, text, ticked_by, ticked_at)
                        VALUES (:runbook, :item, :text, :user, :at)""")
                .bind("runbook", runbook)
                .bind("item", item)
                .bind("text", text)
                .bind("user", user)
                .bind("at", now.toEpochMilli())
                .execute());
        return new ChecklistTick(runbook, item, text, user, now);
    }

    /** ChecklistTicks of {@code runbook} at or after {@code since}, oldest first. */
    public List<ChecklistTick> ticks(String runbook, Instant since) {
        return db.read(h -> h.createQuery("""
                        SELECT runbook, item, text, ticked_by, ticked_at FROM checklist_tick
                        WHERE runbook = :runbook AND ticked_at >= :since ORDER BY ticked_at, id""")
                .bind("runbook", runbook)
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new ChecklistTick(rs.getString("runbook"), rs.getInt("item"), rs.getString("text"),
                        rs.getString("ticked_by"), Instant.ofEpochMilli(rs.getLong("ticked_at"))))
                .list());
    }
}
