package org.opsbot.commands.store;

import java.time.Clock;
import java.time.Duration;

/**
 * Events API deliveries already seen, so Slack's retries never cause a second side effect, and
 * a retry of a delivery whose handling failed is still handled.
 *
 * <p>A delivery is {@link #claim claimed} before its handler runs and counts as handled only
 * once the handler committed ({@link #handled}). When the handler fails it is {@link #failed
 * forgotten}; when even that cannot be written (the database went away mid-request), the claim
 * runs out after {@link #HANDLING} and a later retry handles the event.
 */
public final class SlackEventStore {
    /** Far longer than a handler takes (Slack waits 3 s); shorter than Slack's second retry (1 min). */
    public static final Duration HANDLING = Duration.ofSeconds(30);

    /** What a delivery of an event is, as {@link #claim} finds it. */
    public enum Delivery {
        /** Handle it: the first delivery, or a retry of one whose handling failed. */
        NEW,
        /** Another delivery of it is being handled right now (or died recently while handling it). */
        HANDLING,
        /** Its handling committed: a duplicate. */
        HANDLED
    }

    private final Database db;
    private final Clock clock;

    public SlackEventStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** {@link Delivery#NEW} exactly once per handling, however often and however concurrently Slack delivers it. */
    public Delivery claim(String eventId) {
        long now = clock.millis();
        return db.write(h -> {
            int claimed = h.createUpdate("""
                            INSERT INTO slack_event (event_id, received_at, handling_until) VALUES (:id, :now, :until)
                            ON CONFLICT (event_id) DO UPDATE SET received_at = excluded.received_at,
                                                                 handling_until = excluded.handling_until
                            WHERE slack_event.handling_until IS NOT NULL AND slack_event.handling_until <= :now""")
                    .bind("id", eventId)
                    .bind("now", now)
                    .bind("until", now + HANDLING.toMillis())
                    .execute();
            if (claimed == 1) {
                return Delivery.NEW;
            }
            boolean handled = h.createQuery("SELECT handling_until IS NULL FROM slack_event WHERE event_id = :id")
                    .bind("id", eventId)
                    .mapTo(Boolean.class)
                    .one();
            return handled ? Delivery.HANDLED : Delivery.HANDLING;
        });
    }

    /** The handling of a {@link Delivery#NEW} delivery committed: every later delivery is a duplicate. */
    public void handled(String eventId) {
        db.write(h -> h.createUpdate("UPDATE slack_event SET handling_until = NULL WHERE event_id = :id")
                .bind("id", eventId)
                .execute());
    }

    /** The handling of a {@link Delivery#NEW} delivery failed: the next delivery is handled. */
    public void failed(String eventId) {
        db.write(h -> h.createUpdate("DELETE FROM slack_event WHERE event_id = :id AND handling_until IS NOT NULL")
                .bind("id", eventId)
                .execute());
    }

    /** Forgets deliveries older than {@code age}; Slack stops retrying after about an hour. */
    public int forgetOlderThan(Duration age) {
        return db.write(h -> h.createUpdate("DELETE FROM slack_event WHERE received_at < :before")
                .bind("before", clock.millis() - age.toMillis())
                .execute());
    }
}
