package org.opsbot.bot.outbox;

import org.opsbot.commands.store.OutboxStore;

import java.time.Clock;
import java.time.Duration;

/** The {@link Outbox} the bot uses: every call is stored, then the worker is woken to send it. */
final class DurableOutbox implements Outbox {
    // An ephemeral answer that arrives minutes after the question only confuses; drop it instead.
    static final Duration EPHEMERAL_TTL = Duration.ofMinutes(2);

    private final OutboxStore store;
    private final Runnable wake;
    private final Clock clock;

    DurableOutbox(OutboxStore store, Runnable wake, Clock clock) {
        this.store = store;
        this.wake = wake;
        this.clock = clock;
    }

    @Override
    public long post(String channel, SlackMessage message) {
        return woken(store.enqueuePost(channel, null, MessagePayload.toJson(message)));
    }

    @Override
    public long postOnce(String key, String channel, SlackMessage message) {
        return woken(store.enqueuePostOnce(key, channel, MessagePayload.toJson(message)));
    }

    @Override
    public long reply(long parentId, SlackMessage message) {
        return woken(store.enqueueReply(parentId, MessagePayload.toJson(message)));
    }

    @Override
    public long reply(String channel, String threadTs, SlackMessage message) {
        return woken(store.enqueuePost(channel, threadTs, MessagePayload.toJson(message)));
    }

    @Override
    public long update(long messageId, SlackMessage message) {
        return woken(store.enqueueUpdate(messageId, MessagePayload.toJson(message)));
    }

    @Override
    public long ephemeral(String channel, String user, SlackMessage message) {
        return woken(store.enqueueEphemeral(channel, user, null, MessagePayload.toJson(message),
                clock.instant().plus(EPHEMERAL_TTL)));
    }

    private long woken(long id) {
        wake.run();
        return id;
    }
}
