package org.opsbot.bot.slack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link EventLedger} for tests and for running without a database. Slack retries within
 * minutes, so remembering the last few thousand ids is enough; a restart forgets them.
 */
public final class InMemoryEventLedger implements EventLedger {

    private final Map<String, Boolean> seen;

    public InMemoryEventLedger(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public InMemoryEventLedger() {
        this(10_000);
    }

    @Override
    public synchronized boolean firstDelivery(String eventId) {
        return seen.putIfAbsent(eventId, Boolean.TRUE) == null;
    }
}
