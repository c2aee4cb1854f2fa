package org.opsbot.bot.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Without a bot token every message goes to the log, written as a person would read it in
 * Slack, so the bot can be judged before any Slack app exists.
 */
final class DryRunGateway implements SlackGateway {
    private static final Logger LOG = LoggerFactory.getLogger("opsbot.dry-run");

    private final AtomicLong ts = new AtomicLong(System.currentTimeMillis() * 1000);

    @Override
    public Delivery post(long outboxId, String channel, String threadTs, MessagePayload message, boolean freshConnection) {
        String fakeTs = nextTs();
        LOG.info("Would post to {}{} (message {}):\n{}", channel, threadTs == null ? "" : " in thread " + threadTs,
                fakeTs, DryRunRendering.render(message));
        return new Delivery.Sent(channel, fakeTs);
    }

    @Override
    public Delivery update(String channelId, String ts, MessagePayload message) {
        LOG.info("Would update message {} in {}:\n{}", ts, channelId, DryRunRendering.render(message));
        return new Delivery.Sent(channelId, ts);
    }

    @Override
    public Delivery ephemeral(String channel, String user, String threadTs, MessagePayload message) {
        LOG.info("Would show only to {} in {}:\n{}", user, channel, DryRunRendering.render(message));
        return new Delivery.Sent(channel, null);
    }

    @Override
    public Delivery publishHome(String user, String viewJson) {
        LOG.info("Would publish the App Home of {}: {}", user, viewJson);
        return new Delivery.Sent(user, null);
    }

    @Override
    public Delivery updateUsergroup(String handle, List<String> members) {
        LOG.info("Would set the members of @{} to {}", handle, members);
        return new Delivery.Sent(handle, null);
    }

    @Override
    public Delivery createChannel(String name, List<String> invite) {
        return new Delivery.Failed("no Slack token (dry run): channel #" + name + " not created");
    }

    @Override
    public Delivery uploadFile(String fileName, byte[] content) {
        LOG.info("Would upload {}:\n{}", fileName, new String(content, java.nio.charset.StandardCharsets.UTF_8));
        return new Delivery.Sent("F0DRYRUN" + nextTs().replace(".", ""), null);
    }

    @Override
    public Delivery completeUpload(String fileId, String channel, String title) {
        LOG.info("Would share file {} ({}) in {}", fileId, title, channel);
        return new Delivery.Sent(channel, null);
    }

    @Override
    public boolean fileShared(String fileId) {
        return false;
    }

    @Override
    public Optional<Delivery.Sent> findPosted(long outboxId, String channel, String threadTs, long postedAfterMillis) {
        return Optional.empty();
    }

    private String nextTs() {
        long micros = ts.incrementAndGet();
        return String.format("%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }
}
