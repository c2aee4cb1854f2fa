package org.opsbot.bot.testing;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link Outbox} that remembers what it was asked to send. */
public final class RecordingOutbox implements Outbox {

    /** One call: which method, where to, and the message. */
    public record Call(String method, String target, SlackMessage message) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Long> once = new ConcurrentHashMap<>();
    private final Map<String, List<String>> usergroups = new ConcurrentHashMap<>();

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void clear() {
        calls.clear();
    }

    private long record(String method, String target, SlackMessage message) {
        calls.add(new Call(method, target, message));
        return ids.incrementAndGet();
    }

    @Override
    public long post(String channel, SlackMessage message) {
        return record("post", channel, message);
    }

    @Override
    public long postOnce(String key, String channel, SlackMessage message) {
        return once.computeIfAbsent(key, k -> record("post", channel, message));
    }

    @Override
    public long reply(long parentId, SlackMessage message) {
        return record("reply", Long.toString(parentId), message);
    }

    @Override
    public long reply(String channel, String threadTs, SlackMessage message) {
        return record("reply", channel + "/" + threadTs, message);
    }

    @Override
    public long update(long messageId, SlackMessage message) {
        return record("update", Long.toString(messageId), message);
    }

    @Override
    public long ephemeral(String channel, String user, SlackMessage message) {
        return record("ephemeral", channel + "/" + user, message);
    }

    @Override
    public long createChannel(String name, List<String> invite, String purpose) {
        return record("createChannel", "#" + name, SlackMessage.text(String.join(",", invite)));
    }

    @Override
    public long shareFile(String channel, String fileName, String title, String content, String requestedBy) {
        return record("shareFile", channel, SlackMessage.text(content));
    }

    @Override
    public long shareBytes(String channel, String fileName, String title, byte[] content, String requestedBy) {
        return record("shareFile", channel, SlackMessage.text(fileName + " (" + content.length + " bytes)"));
    }

    @Override
    public long publishHome(String user, com.slack.api.model.view.View view) {
        return record("publishHome", user, SlackMessage.text(String.valueOf(view.getBlocks())));
    }

    @Override
    public long setUsergroup(String handle, List<String> members) {
        usergroups.put(handle, List.copyOf(members));
        return record("setUsergroup", handle, SlackMessage.text(String.join(",", members)));
    }

    @Override
    public java.util.Optional<List<String>> lastUsergroup(String handle) {
        return java.util.Optional.ofNullable(usergroups.get(handle));
    }

    @Override
    public long shareBytesOnce(String key, String channel, String fileName, String title, byte[] content) {
        return shareBytes(channel, fileName, title, content, null);
    }

    @Override
    public Outbox onBehalfOf(String user) {
        return this;
    }

    @Override
    public void onChannels(String purposePrefix, org.opsbot.bot.outbox.ChannelListener listener) {
    }
}
