package org.opsbot.bot.outbox;

import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The {@link Outbox} the bot uses: every call is stored, then the worker is woken to send it.
 * Only an ephemeral answer goes straight to Slack when the database cannot take it: it is not
 * worth keeping (it expires in minutes), and the answer a person then needs most is the one
 * saying the database is down and to try again.
 */
final class DurableOutbox implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(DurableOutbox.class);
    /** What {@link #ephemeral} answers for a message sent without being stored. */
    static final long NOT_STORED = -1;
    // An ephemeral answer that arrives minutes after the question only confuses; drop it instead.
    static final Duration EPHEMERAL_TTL = Duration.ofMinutes(2);

    private final OutboxStore store;
    private final Runnable wake;
    private final Clock clock;
    private final SlackGateway direct;
    private final ChannelListeners channelListeners;
    private final String requestedBy;

    DurableOutbox(OutboxStore store, Runnable wake, Clock clock, SlackGateway direct, ChannelListeners channelListeners) {
        this(store, wake, clock, direct, channelListeners, null);
    }

    private DurableOutbox(OutboxStore store, Runnable wake, Clock clock, SlackGateway direct,
                          ChannelListeners channelListeners, String requestedBy) {
        this.store = store;
        this.wake = wake;
        this.clock = clock;
        this.direct = direct;
        this.channelListeners = channelListeners;
        this.requestedBy = requestedBy;
    }

    @Override
    public Outbox onBehalfOf(String user) {
        return new DurableOutbox(store, wake, clock, direct, channelListeners, user);
    }

    @Override
    public long post(String channel, SlackMessage message) {
        return woken(store.enqueuePost(channel, null, MessagePayload.toJson(message), requestedBy));
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
        return woken(store.enqueuePost(channel, threadTs, MessagePayload.toJson(message), requestedBy));
    }

    @Override
    public long update(long messageId, SlackMessage message) {
        return woken(store.enqueueUpdate(messageId, MessagePayload.toJson(message)));
    }

    @Override
    public long ephemeral(String channel, String user, SlackMessage message) {
        String payload = MessagePayload.toJson(message);
        try {
            return woken(store.enqueueEphemeral(channel, user, null, payload, clock.instant().plus(EPHEMERAL_TTL)));
        } catch (StoreException e) {
            if (!e.unavailable()) {
                throw e;
            }
            Delivery outcome = direct.ephemeral(channel, user, null, MessagePayload.parse(payload));
            if (!(outcome instanceof Delivery.Sent)) {
                LOG.warn("Ephemeral message to {} not stored (database unavailable) nor sent: {}", user, outcome);
            }
            return NOT_STORED;
        }
    }

    @Override
    public long createChannel(String name, List<String> invite, String purpose) {
        return woken(store.enqueueChannel(name, new ChannelRequest(name, List.copyOf(invite), purpose).toJson(), null));
    }

    @Override
    public long shareFile(String channel, String fileName, String title, String content, String requestedBy) {
        return woken(store.enqueueFile(channel, new FileRequest(fileName, title, content).toJson(), requestedBy));
    }

    @Override
    public long shareBytes(String channel, String fileName, String title, byte[] content, String requestedBy) {
        return woken(store.enqueueFile(channel, FileRequest.binary(fileName, title, content).toJson(), requestedBy));
    }

    @Override
    public long shareBytesOnce(String key, String channel, String fileName, String title, byte[] content) {
        return woken(store.enqueueFileOnce(key, channel, FileRequest.binary(fileName, title, content).toJson()));
    }

    @Override
    public long publishHome(String user, com.slack.api.model.view.View view) {
        return woken(store.enqueueHome(user, MessagePayload.viewJson(view)));
    }

    @Override
    public long setUsergroup(String handle, List<String> members) {
        return woken(store.enqueueUsergroup(handle, String.join(",", members)));
    }

    @Override
    public java.util.Optional<List<String>> lastUsergroup(String handle) {
        return store.lastUsergroup(handle).map(m -> m.isEmpty() ? List.<String>of() : List.of(m.split(",")));
    }

    @Override
    public void onChannels(String purposePrefix, ChannelListener listener) {
        channelListeners.register(purposePrefix, listener);
    }

    private long woken(long id) {
        wake.run();
        return id;
    }
}
