package org.opsbot.commands.store;

import java.time.Clock;
import java.time.Duration;

/** Events API deliveries already seen, so Slack's retries never cause a second side effect. */
public final class SlackEventStore {
    private final Database db;
    private final Clock clock;

    public SlackEventStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** True exactly once per event id, however often and however concurrently Slack delivers it. */
    public boolean firstDelivery(String eventId) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO slack_event (event_id, received_at) VALUES (:id, :now)
                        ON CONFLICT (event_id) DO NOTHING""")
                .bind("id", eventId)
                .bind("now", clock.millis())
                .execute()) == 1;
    }

    /** Forgets deliveries older than {@code age}; Slack stops retrying after about an hour. */
    public int forgetOlderThan(Duration age) {
        return db.write(h -> h.createUpdate("DELETE FROM slack_event WHERE received_at < :before")
                .bind("before", clock.millis() - age.toMillis())
                .execute());
    }
}
