package org.opsbot.commands.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scheduled time each runbook schedule last fired for, and whether its run started.
 *
 * <p>Starting a scheduled run takes two steps: {@link #claim} (this replica will run it) and
 * {@link #started} (it is running). A replica killed between the two leaves the claim open,
 * and the next scheduler lease holder {@link #retake}s it. {@code started} only succeeds for
 * the replica that holds the claim, so a holder that was merely slow and finds its claim taken
 * over does not start the run a second time.
 */
public final class ScheduleStore {
    private final Database db;

    public ScheduleStore(Database db) {
        this.db = db;
    }

    /** By schedule key, for {@code ScheduleCalendar.due}. */
    public Map<String, Instant> lastFired(String runbook) {
        return byKey(runbook, "SELECT schedule, fired_for FROM schedule_fire WHERE runbook = :runbook");
    }

    /** By schedule key: times claimed whose run has not started (its claimer died or failed first). */
    public Map<String, Instant> unstarted(String runbook) {
        return byKey(runbook, "SELECT schedule, fired_for FROM schedule_fire WHERE runbook = :runbook AND claimed_by IS NOT NULL");
    }

    private Map<String, Instant> byKey(String runbook, String sql) {
        return db.read(h -> {
            Map<String, Instant> out = new LinkedHashMap<>();
            h.createQuery(sql)
                    .bind("runbook", runbook)
                    .map((rs, ctx) -> Map.entry(rs.getString("schedule"), Instant.ofEpochMilli(rs.getLong("fired_for"))))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /**
     * Claims the schedule's run for {@code scheduledFor} for {@code holder}, unless it already
     * fired for that time or a later one. Returns whether this caller won and should start the
     * run, so two replicas (or two ticks) never start the same scheduled run twice.
     */
    public boolean claim(String runbook, String schedule, Instant scheduledFor, String holder) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO schedule_fire (runbook, schedule, fired_for, claimed_by) VALUES (:runbook, :schedule, :at, :holder)
                        ON CONFLICT (runbook, schedule) DO UPDATE SET fired_for = excluded.fired_for, claimed_by = excluded.claimed_by
                        WHERE schedule_fire.fired_for < excluded.fired_for""")
                .bind("runbook", runbook)
                .bind("schedule", schedule)
                .bind("at", scheduledFor.toEpochMilli())
                .bind("holder", holder)
                .execute() == 1);
    }

    /**
     * Takes over a claim for {@code scheduledFor} whose run has not started: its claimer lost
     * the scheduler lease (killed) or failed before starting. Returns whether {@code holder}
     * now holds it; false once the run started or a later time was claimed.
     */
    public boolean retake(String runbook, String schedule, Instant scheduledFor, String holder) {
        return db.write(h -> h.createUpdate("""
                        UPDATE schedule_fire SET claimed_by = :holder
                        WHERE runbook = :runbook AND schedule = :schedule AND fired_for = :at AND claimed_by IS NOT NULL""")
                .bind("runbook", runbook)
                .bind("schedule", schedule)
                .bind("at", scheduledFor.toEpochMilli())
                .bind("holder", holder)
                .execute() == 1);
    }

    /**
     * Marks the claimed run as started. Returns false when {@code holder} no longer holds the
     * claim (another replica took it over, or it started already): the caller must not run it.
     */
    public boolean started(String runbook, String schedule, Instant scheduledFor, String holder) {
        return db.write(h -> h.createUpdate("""
                        UPDATE schedule_fire SET claimed_by = NULL
                        WHERE runbook = :runbook AND schedule = :schedule AND fired_for = :at AND claimed_by = :holder""")
                .bind("runbook", runbook)
                .bind("schedule", schedule)
                .bind("at", scheduledFor.toEpochMilli())
                .bind("holder", holder)
                .execute() == 1);
    }

    /**
     * Remembers a schedule seen for the first time at {@code firedFor} without running it, so
     * that later downtime is noticed and caught up. Does nothing when the schedule is known.
     */
    public void remember(String runbook, String schedule, Instant firedFor) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO schedule_fire (runbook, schedule, fired_for) VALUES (:runbook, :schedule, :at)
                        ON CONFLICT (runbook, schedule) DO NOTHING""")
                .bind("runbook", runbook)
                .bind("schedule", schedule)
                .bind("at", firedFor.toEpochMilli())
                .execute());
    }
}
