package org.opsbot.bot.outbox;

import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.Replica;
import org.opsbot.commands.store.SettingStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The bot's way out to Slack: the {@link Outbox} that handlers write to, and the worker that
 * sends it, to Slack's Web API with a bot token or to the log without one (dry-run).
 */
public final class SlackOutbox implements AutoCloseable {
    private final DurableOutbox outbox;
    private final OutboxWorker worker;
    private final OutboxStore store;
    private final SlackReachability reachability;

    private SlackOutbox(OutboxStore store, OutboxWorker worker, SlackGateway gateway, SlackReachability reachability,
                        Clock clock, ChannelListeners channelListeners) {
        this.store = store;
        this.worker = worker;
        this.reachability = reachability;
        this.outbox = new DurableOutbox(store, worker::wake, clock, gateway, channelListeners);
    }

    /**
     * Starts sending. {@code botToken} empty means dry-run; {@code slackTimeout} bounds each
     * Web API call (after it, a post is uncertain and is looked for before it is repeated).
     */
    public static SlackOutbox start(Database db, Optional<String> botToken, String slackApiUrl,
                                    Duration slackTimeout, Clock clock) {
        OutboxStore store = new OutboxStore(db, clock);
        String installationId = new SettingStore(db).installationId();
        SlackGateway gateway = botToken
                .<SlackGateway>map(token -> new WebApiGateway(token, slackApiUrl, slackTimeout, installationId))
                .orElseGet(DryRunGateway::new);
        SlackReachability reachability = new SlackReachability(clock, botToken.isEmpty());
        ChannelListeners channelListeners = new ChannelListeners();
        OutboxWorker worker = new OutboxWorker(store, new LeaseStore(db, clock), gateway, reachability, clock, Replica.NAME,
                channelListeners);
        SlackOutbox slackOutbox = new SlackOutbox(store, worker, gateway, reachability, clock, channelListeners);
        worker.start();
        return slackOutbox;
    }

    public Outbox outbox() {
        return outbox;
    }

    OutboxWorker worker() {
        return worker;
    }

    public SlackReachability reachability() {
        return reachability;
    }

    /** Counters and backlog for /metrics. */
    public Stats stats() {
        OutboxStore.Depth depth = store.depth();
        return new Stats(depth.pending(), depth.oldestCreatedAt(), worker.sent.get(), worker.retried.get(),
                worker.failed.get(), worker.expired.get(), worker.rateLimited.get());
    }

    /** What the outbox has done since start, and what waits. */
    public record Stats(long pending, Long oldestPendingCreatedAt, long sent, long retried, long failed, long expired,
                        long rateLimited) {
    }

    @Override
    public void close() {
        worker.close();
    }
}
