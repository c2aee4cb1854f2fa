package org.opsbot.bot.slack;

import org.opsbot.commands.store.SlackEventStore.Delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link EventLedger} for tests and for running without a database. Slack retries within
 * minutes, so remembering the last few thousand ids is enough; a restart forgets them.
 */
public final class InMemoryEventLedger implements EventLedger {

    /** By event id: whether its handling committed (false while it runs). */
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
    public synchronized Delivery claim(String eventId) {
        Boolean handled = seen.putIfAbsent(eventId, Boolean.FALSE);
        return handled == null ? Delivery.NEW : handled ? Delivery.HANDLED : Delivery.HANDLING;
    }

    @Override
    public synchronized void handled(String eventId) {
        seen.put(eventId, Boolean.TRUE);
    }

    @Override
    public synchronized void failed(String eventId) {
        seen.remove(eventId, Boolean.FALSE);
    }
}
