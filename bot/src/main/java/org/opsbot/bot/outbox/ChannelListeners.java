package org.opsbot.bot.outbox;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Who hears of which channel creations: by the purpose's prefix, e.g. {@code incident:}. */
final class ChannelListeners {
    private final Map<String, ChannelListener> byPrefix = new ConcurrentHashMap<>();

    void register(String purposePrefix, ChannelListener listener) {
        byPrefix.put(purposePrefix, listener);
    }

    Optional<ChannelListener> of(String purpose) {
        return byPrefix.entrySet().stream().filter(e -> purpose != null && purpose.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
    }
}
