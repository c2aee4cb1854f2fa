package org.opsbot.commands.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The scheduled time each runbook schedule last fired for. */
public final class ScheduleStore {
    private final Database db;

    public ScheduleStore(Database db) {
        this.db = db;
    }

    /** By schedule key, for {@code ScheduleCalendar.due}. */
    public Map<String, Instant> lastFired(String runbook) {
        return db.read(h -> {
            Map<String, Instant> out = new LinkedHashMap<>();
            h.createQuery("SELECT schedule, fired_for FROM schedule_fire WHERE runbook = :runbook")
                    .bind("runbook", runbook)
                    .map((rs, ctx) -> Map.entry(rs.getString("schedule"), Instant.ofEpochMilli(rs.getLong("fired_for"))))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /**
     * Records that the schedule fires for {@code scheduledFor}, unless it already fired for
     * that time or a later one. Returns whether this caller won and should start the run, so
     * two replicas (or two ticks) never start the same scheduled run twice.
     */
    public boolean claim(String runbook, String schedule, Instant scheduledFor) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO schedule_fire (runbook, schedule, fired_for) VALUES (:runbook, :schedule, :at)
                        ON CONFLICT (runbook, schedule) DO UPDATE SET fired_for = excluded.fired_for
                        WHERE schedule_fire.fired_for < excluded.fired_for""")
                .bind("runbook", runbook)
                .bind("schedule", schedule)
                .bind("at", scheduledFor.toEpochMilli())
                .execute() == 1);
    }
}
