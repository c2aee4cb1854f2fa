package org.opsbot.bot.outbox;

import org.opsbot.commands.store.OutboxStore;

import java.util.Optional;

/**
 * The outbox's posts as Slack names them: a click or a tick names its message by channel and
 * {@code ts}, and updating that message through the {@link Outbox} needs the outbox id.
 */
public final class SentPosts {
    private final OutboxStore store;

    public SentPosts(OutboxStore store) {
        this.store = store;
    }

    /** The outbox id of the post Slack knows as {@code ts} in {@code channel}; empty if this opsbot did not post it. */
    public Optional<Long> idOf(String channel, String ts) {
        return store.sentPost(channel, ts);
    }

    /** Whether a post or file was ever enqueued once under {@code key} ({@link Outbox#postOnce}), sent yet or not. */
    public boolean hasKey(String key) {
        return store.hasPostKey(key);
    }

    /**
     * Where people open the post with outbox id {@code id} in Slack, once it was sent: its
     * archives address, built from the channel id and {@code ts} Slack gave it (Slack takes a
     * signed-in reader from there to their workspace), so no Web API call is spent on it.
     */
    public Optional<String> link(long id) {
        return store.find(id).filter(e -> e.sentChannel() != null && e.sentTs() != null)
                .map(e -> "https://slack.com/archives/" + e.sentChannel() + "/p" + e.sentTs().replace(".", ""));
    }
}
