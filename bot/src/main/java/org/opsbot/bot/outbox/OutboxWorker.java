package org.opsbot.bot.outbox;

import org.opsbot.bot.background.BackgroundLoop;
import org.opsbot.bot.background.Backoff;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.OutboxEntry;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the outbox. One replica at a time holds the {@code outbox} lease and sends; each lane's
 * calls (one channel's posts, the replies in its threads, one message's updates) go strictly in
 * order, different lanes in parallel and independently: a lane's next call is claimed as soon as
 * its previous one ended, whatever other lanes wait for, so a page to a person never waits
 * behind a busy channel's rate limit. The lanes that post in one channel share its pace
 * ({@link ChannelPacing}), top-level posts first. Transient failures are retried with backoff
 * for as long as it takes; only calls Slack can never accept are given up, and ephemeral
 * messages expire.
 */
final class OutboxWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);
    static final String LEASE = "outbox";
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration LEASE_RENEW = Duration.ofSeconds(5);
    // How often a replica without the lease asks for it: a holder that died is replaced within
    // LEASE_TTL + LEASE_RETRY of its last renewal.
    private static final Duration LEASE_RETRY = Duration.ofSeconds(1);
    // After a failed round (the database is down): the same wait each time.
    private static final Backoff AFTER_ERROR = Backoff.constant(Duration.ofSeconds(1));
    private static final Duration CLAIM = Duration.ofMinutes(2);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    // While Slack cannot be reached at all, only the head of each lane keeps trying, so trying
    // often costs little; a long back-off would leave the backlog waiting minutes after Slack
    // is back.
    static final Duration MAX_UNREACHABLE_BACKOFF = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final double RETRY_JITTER = 0.2;
    private static final Duration MAX_RATE_WAIT = Duration.ofSeconds(5);
    // How long an uncertain post keeps waiting for Slack to say whether it arrived. After that
    // it is posted again: a duplicate is better than a lost alert.
    private static final Duration MAX_LOOKUP = Duration.ofMinutes(10);
    private static final int BATCH = 32;
    // Lanes being worked on at once. Most of them sleep on a rate limit (virtual threads, no
    // connection held), so this is generous: a storm's many message updates waiting for the
    // workspace-wide chat.update limit must not take every place a direct message needs.
    static final int MAX_IN_FLIGHT = 256;

    private final OutboxStore store;
    private final SlackGateway gateway;
    private final Clock clock;
    private final String holder;
    private final SendRates rates;
    private final ChannelPacing pacing;
    private final SlackReachability reachability;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    // Calls claimed again while their lane was still finishing their last try (one retried at
    // once is due before its lane has let go of it): the lane sends them again when done.
    // Guarded by inFlight.
    private final Set<Long> claimedAgain = new HashSet<>();
    private final ExecutorService lanes = Executors.newVirtualThreadPerTaskExecutor();
    // Outcomes of calls that Slack answered but the database could not record; see recorded().
    private final Map<Long, Runnable> unrecorded = new ConcurrentSkipListMap<>();
    private final BackgroundLoop loop;

    final AtomicLong sent = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong notInChannel = new AtomicLong();

    private final ChannelListeners channelListeners;

    OutboxWorker(OutboxStore store, LeaseStore leases, SlackGateway gateway, SlackReachability reachability,
                 Clock clock, String holder, ChannelListeners channelListeners) {
        this.channelListeners = channelListeners;
        this.store = store;
        this.gateway = gateway;
        this.reachability = reachability;
        this.clock = clock;
        this.holder = holder;
        this.rates = new SendRates(clock);
        this.pacing = new ChannelPacing(clock);
        this.loop = BackgroundLoop.named("outbox")
                .leased(leases, LEASE, holder, LEASE_TTL, LEASE_RENEW)
                .whileNotHolding(LEASE_RETRY)
                .onTakeOver(this::takeOver)
                .backoff(AFTER_ERROR)
                .beforeRelease(this::finishLanes)
                .build(this::claimDue);
    }

    void start() {
        loop.start();
    }

    void wake() {
        loop.wake();
    }

    /** Hands the calls due now to their lanes, and says how long to wait before looking again. */
    private Duration claimDue() {
        recordLeftovers();
        int room = Math.min(BATCH, MAX_IN_FLIGHT - inFlight.size());
        List<OutboxEntry> due = room <= 0 ? List.of() : store.claimDue(holder, CLAIM, room);
        for (OutboxEntry entry : due) {
            synchronized (inFlight) {
                if (inFlight.add(entry.id())) {
                    lanes.submit(() -> deliverInLane(entry));
                } else {
                    claimedAgain.add(entry.id());
                }
            }
        }
        // When fewer were due than there was room for, nothing more is due now; a new call, or a
        // call ending (its lane's next one becomes due), wakes the loop at once.
        return due.size() < room ? IDLE_POLL : Duration.ZERO;
    }

    private void takeOver() {
        // Calls the previous holder claimed would otherwise wait out their claim (CLAIM,
        // minutes) although nobody works on them any more. If this fails, the lease is not
        // counted as held, so it is tried again before anything is sent.
        int freed = store.releaseClaimsOfOthers(holder);
        if (freed > 0) {
            LOG.info("Took over {} Slack call(s) the previous outbox sender had claimed", freed);
        }
        LOG.info("This replica now sends the Slack outbox");
    }

    /** Lets the calls being sent end while this replica still holds the lease. */
    private void finishLanes() {
        lanes.shutdown();
        try {
            if (!lanes.awaitTermination(5, TimeUnit.SECONDS)) {
                lanes.shutdownNow();
            }
        } catch (InterruptedException e) {
            lanes.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void deliverInLane(OutboxEntry entry) {
        OutboxEntry next = entry;
        while (next != null) {
            try {
                deliver(next);
            } catch (RuntimeException e) {
                LOG.error("Outbox call {} failed unexpectedly; it is tried again when its claim runs out", entry.id(), e);
            }
            next = claimedAgain(entry.id());
        }
        loop.wake();
    }

    /**
     * The call as it stands now if it was claimed again while its lane was finishing it, and is
     * still to be sent; otherwise null, and the lane lets go of it.
     */
    private OutboxEntry claimedAgain(long id) {
        synchronized (inFlight) {
            if (!claimedAgain.remove(id)) {
                inFlight.remove(id);
                return null;
            }
        }
        try {
            Optional<OutboxEntry> now = store.find(id).filter(e -> e.status() == OutboxEntry.Status.PENDING);
            if (now.isPresent()) {
                return now.get();
            }
        } catch (StoreException e) {
            LOG.warn("Outbox call {} was claimed again but cannot be read: {}; it is tried again when its claim runs out",
                    id, e.getMessage());
        }
        synchronized (inFlight) {
            inFlight.remove(id);
        }
        return null;
    }

    private void deliver(OutboxEntry entry) {
        try {
            if (entry.expiresAt() != null && clock.millis() > entry.expiresAt()) {
                recorded(entry.id(), () -> store.markExpired(entry.id(), holder));
                expired.incrementAndGet();
                LOG.info("Ephemeral message {} to {} expired undelivered", entry.id(), entry.userId());
                return;
            }
            switch (entry.kind()) {
                case POST -> deliverPost(entry);
                case UPDATE -> deliverUpdate(entry);
                case EPHEMERAL -> deliverEphemeral(entry);
                case CHANNEL -> deliverChannel(entry);
                case FILE -> deliverFile(entry);
                case HOME -> deliverHome(entry);
                case USERGROUP -> deliverUsergroup(entry);
            }
        } catch (StoreException e) {
            // The claim runs out and the call is due again; if it was a post, it is uncertain.
            LOG.warn("Outbox call {} could not be recorded: {}", entry.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliverPost(OutboxEntry entry) throws InterruptedException {
        String channel = entry.channel();
        String threadTs = entry.threadTs();
        if (entry.parentId() != null) {
            Optional<OutboxEntry> parent = store.find(entry.parentId());
            if (parent.isEmpty() || parent.get().status() != OutboxEntry.Status.SENT) {
                giveUp(entry, "the message it replies to (" + entry.parentId() + ") was never posted");
                return;
            }
            channel = parent.get().sentChannel();
            threadTs = parent.get().sentTs();
            pacing.alias(parent.get().channel(), channel);
        }
        if (entry.uncertain()) {
            try {
                Optional<Delivery.Sent> found = gateway.findPosted(entry.id(), channel, threadTs, entry.createdAt());
                if (found.isPresent()) {
                    LOG.info("Message {} had reached Slack before; not posting it again", entry.id());
                    record(entry, found.get());
                    return;
                }
            } catch (SlackGateway.LookupFailedException e) {
                if (askAgainLater(entry, e)) {
                    return;
                }
                LOG.warn("Message {} may already be in Slack but Slack cannot say ({}); posting it again rather than losing it",
                        entry.id(), e.getMessage());
            }
        }
        // A reply in the thread of one of the bot's own messages: it waits for top-level posts.
        boolean threadNote = entry.parentId() != null && threadTs != null;
        Delivery outcome;
        try (ChannelPacing.Place place = pacing.queue(entry.channel(), threadNote)) {
            if (!waitForRate(entry, place::turn)) {
                return;
            }
            if (!store.markAttempt(entry.id(), holder, true)) {
                return;
            }
            outcome = gateway.post(entry.id(), channel, threadTs, MessagePayload.parse(entry.payload()), entry.uncertain());
        }
        if (outcome instanceof Delivery.Sent s) {
            pacing.alias(entry.channel(), s.channel());
        }
        finish(entry, outcome, after -> pacing.pause(entry.channel(), after));
    }

    private void deliverUpdate(OutboxEntry entry) throws InterruptedException {
        Optional<OutboxEntry> target = store.find(entry.targetId());
        if (target.isEmpty() || target.get().status() != OutboxEntry.Status.SENT || target.get().sentTs() == null) {
            giveUp(entry, "the message to update (" + entry.targetId() + ") was never posted");
            return;
        }
        if (!waitForRate(entry, () -> rates.take("update", SendRates.UPDATES))) {
            return;
        }
        OutboxEntry newest = store.newestPendingUpdate(entry.targetId()).orElse(entry);
        if (!store.markAttempt(entry.id(), holder, false)) {
            return;
        }
        Delivery outcome = gateway.update(target.get().sentChannel(), target.get().sentTs(), MessagePayload.parse(newest.payload()));
        if (outcome instanceof Delivery.Sent) {
            recorded(entry.id(), () -> store.markUpdatesSent(entry.targetId(), newest.id(), holder));
            reachability.reached();
            sent.incrementAndGet();
            return;
        }
        finish(entry, outcome, after -> rates.pause("update", after));
    }

    private void deliverEphemeral(OutboxEntry entry) throws InterruptedException {
        if (!waitForRate(entry, () -> rates.take("ephemeral", SendRates.EPHEMERALS))) {
            return;
        }
        if (!store.markAttempt(entry.id(), holder, false)) {
            return;
        }
        Delivery outcome = gateway.ephemeral(entry.channel(), entry.userId(), entry.threadTs(), MessagePayload.parse(entry.payload()));
        finish(entry, outcome, after -> rates.pause("ephemeral", after));
    }

    private void deliverChannel(OutboxEntry entry) throws InterruptedException {
        ChannelRequest request = ChannelRequest.parse(entry.payload());
        if (!waitForRate(entry, () -> rates.take("conversations.create", SendRates.CHANNELS))) {
            return;
        }
        if (!store.markAttempt(entry.id(), holder, false)) {
            return;
        }
        Delivery outcome = gateway.createChannel(request.name(), request.invite());
        Optional<ChannelListener> listener = channelListeners.of(request.purpose());
        if (outcome instanceof Delivery.Sent s && listener.isPresent()) {
            try {
                listener.get().created(request.purpose(), s.channel());
            } catch (RuntimeException e) {
                // Tried again: creating finds the channel made now, and the listener runs again.
                retry(entry, Delivery.Retry.transientFailure(Duration.ofSeconds(5),
                        "channel #" + request.name() + " created, but recording it failed: " + e.getMessage(), false, true), false);
                return;
            }
        }
        if (outcome instanceof Delivery.Failed f && listener.isPresent()) {
            try {
                listener.get().failed(request.purpose(), f.reason());
            } catch (RuntimeException e) {
                LOG.warn("Channel #{} could not be created, and saying so failed: {}", request.name(), e.getMessage());
            }
        }
        finish(entry, outcome, after -> rates.pause("conversations.create", after));
    }

    /** An App Home view; a newer one for the same person replaced it while it waited, so it is the newest. */
    private void deliverHome(OutboxEntry entry) throws InterruptedException {
        if (!waitForRate(entry, () -> rates.take("views.publish", SendRates.VIEWS))) {
            return;
        }
        if (!store.markAttempt(entry.id(), holder, false)) {
            return;
        }
        Delivery outcome = gateway.publishHome(entry.channel(), entry.payload());
        finish(entry, outcome, after -> rates.pause("views.publish", after));
    }

    /** A user group's members; a newer membership for the same group replaced it while it waited. */
    private void deliverUsergroup(OutboxEntry entry) throws InterruptedException {
        if (!waitForRate(entry, () -> rates.take("usergroups.users.update", SendRates.USERGROUPS))) {
            return;
        }
        if (!store.markAttempt(entry.id(), holder, false)) {
            return;
        }
        List<String> members = entry.payload().isEmpty() ? List.of() : List.of(entry.payload().split(","));
        Delivery outcome = gateway.updateUsergroup(entry.channel(), members);
        finish(entry, outcome, after -> rates.pause("usergroups.users.update", after));
    }

    /**
     * Uploads, then shares. The file id is recorded between the two, so a retry shares that
     * file rather than uploading another; a share whose answer was lost is looked up first.
     */
    private void deliverFile(OutboxEntry entry) throws InterruptedException {
        FileRequest request = FileRequest.parse(entry.payload());
        String fileId = entry.progress();
        if (fileId != null && entry.uncertain()) {
            try {
                if (gateway.fileShared(fileId)) {
                    LOG.info("File {} of outbox call {} had been shared before; not sharing it again", fileId, entry.id());
                    record(entry, new Delivery.Sent(entry.channel(), null));
                    return;
                }
            } catch (SlackGateway.LookupFailedException e) {
                if (askAgainLater(entry, e)) {
                    return;
                }
                LOG.warn("File {} may already be shared but Slack cannot say ({}); sharing it again rather than losing it",
                        fileId, e.getMessage());
            }
        }
        if (!waitForRate(entry, () -> rates.take("files", SendRates.FILES))) {
            return;
        }
        if (!store.markAttempt(entry.id(), holder, fileId != null)) {
            return;
        }
        if (fileId == null) {
            Delivery uploaded = gateway.uploadFile(request.fileName(), request.bytes());
            if (!(uploaded instanceof Delivery.Sent s)) {
                finish(entry, uploaded, after -> rates.pause("files", after));
                return;
            }
            fileId = s.channel();
            String uploadedId = fileId;
            recorded(entry.id(), () -> store.recordProgress(entry.id(), holder, uploadedId));
        }
        Delivery shared = gateway.completeUpload(fileId, entry.channel(), request.title());
        finish(entry, shared, after -> rates.pause("files", after));
    }

    /**
     * Waits briefly for the rate limit; a longer wait hands the call back with a due time. Many
     * lanes may wait on one key (all updates share one limit), so the wait is bounded in total,
     * not per try.
     */
    private boolean waitForRate(OutboxEntry entry, Supplier<Duration> turn) throws InterruptedException {
        long giveBackAt = clock.millis() + MAX_RATE_WAIT.toMillis();
        while (true) {
            Duration wait = turn.get();
            if (wait.isZero()) {
                return true;
            }
            if (clock.millis() + wait.toMillis() > giveBackAt) {
                Instant at = clock.instant().plus(wait);
                recorded(entry.id(), () -> store.retryLater(entry.id(), holder, at, "waiting for Slack's rate limit", entry.uncertain()));
                return false;
            }
            Thread.sleep(wait.toMillis());
        }
    }

    /** @param pause holds back the calls that share this one's rate limit, after Slack's 429 */
    private void finish(OutboxEntry entry, Delivery outcome, Consumer<Duration> pause) {
        switch (outcome) {
            case Delivery.Sent s -> record(entry, s);
            case Delivery.Retry r -> {
                if (r.rateLimited()) {
                    pause.accept(r.after());
                    rateLimited.incrementAndGet();
                }
                retry(entry, r, (entry.kind() == OutboxEntry.Kind.POST || entry.kind() == OutboxEntry.Kind.FILE) && r.uncertain());
            }
            case Delivery.Failed f -> {
                reachability.reached();
                giveUp(entry, f.reason());
            }
            case Delivery.NotInChannel n -> {
                reachability.reached();
                notInChannel(entry, n);
            }
        }
    }

    /**
     * A post the bot can never make until a person acts: said once, clearly, in the log, on
     * /health/ready (as a warning, until a post there works) and to whoever asked for it.
     */
    private void notInChannel(OutboxEntry entry, Delivery.NotInChannel n) {
        recorded(entry.id(), () -> store.markFailed(entry.id(), holder, n.reason()));
        failed.incrementAndGet();
        notInChannel.incrementAndGet();
        reachability.cannotPostIn(n.channel(), n.reason());
        LOG.error("Cannot post to {}: {}. To fix: {}. Message {} is kept as failed.", n.channel(), n.why(), n.fix(), entry.id());
        if (entry.kind() == OutboxEntry.Kind.POST && entry.userId() != null) {
            // n.fix() is mrkdwn the gateway wrote (a command, a channel link); the rest is plain text.
            store.enqueuePost(entry.userId(), null, MessagePayload.toJson(SlackMessage.text(":warning: Your message could not be"
                    + " delivered to " + SlackText.channel(n.channel()) + ": " + SlackText.escape(n.why()) + ". To fix it, "
                    + n.fix() + ", then try again.")));
            loop.wake();
        }
    }

    private void record(OutboxEntry entry, Delivery.Sent s) {
        // Slack answered: it is reachable, whether or not the database takes the record now (and
        // whoever sees the call sent sees Slack reachable too).
        reachability.reached();
        if (entry.kind() == OutboxEntry.Kind.POST) {
            reachability.canPostIn(entry.channel());
        }
        recorded(entry.id(), () -> store.markSent(entry.id(), holder, s.channel(), s.ts()));
        sent.incrementAndGet();
    }

    /**
     * Slack could not say whether an uncertain call already went through: while the entry is
     * younger than {@code MAX_LOOKUP} it is put back to ask again (true); after that the caller
     * sends it again rather than lose it (false).
     */
    private boolean askAgainLater(OutboxEntry entry, SlackGateway.LookupFailedException e) {
        if (clock.millis() - entry.createdAt() >= MAX_LOOKUP.toMillis()) {
            return false;
        }
        retry(entry, Delivery.Retry.transientFailure(Duration.ofSeconds(5), e.getMessage(), true, false), true);
        return true;
    }

    private void retry(OutboxEntry entry, Delivery.Retry r, boolean uncertain) {
        // A connection closed under a call is one that went stale: the call is tried again at
        // once (a post on a connection of its own, after looking for it). The same failure
        // twice in a row is a failure like any other.
        boolean atOnce = r.atOnce() && !r.reason().equals(entry.lastError());
        if (r.reachedSlack()) {
            reachability.reached();
        } else if (!atOnce) {
            reachability.unreachable(r.reason());
        }
        Duration wait = atOnce ? Duration.ZERO : r.rateLimited() ? r.after()
                : max(r.after(), backoff(entry.attempts(), r.reachedSlack() ? MAX_BACKOFF : MAX_UNREACHABLE_BACKOFF));
        Instant at = clock.instant().plus(wait);
        recorded(entry.id(), () -> store.retryLater(entry.id(), holder, at, r.reason(), uncertain));
        retried.incrementAndGet();
        LOG.warn("Slack call {} ({} to {}) not delivered yet: {}; next try {}", entry.id(),
                entry.kind().name().toLowerCase(), entry.channel(), r.reason(),
                atOnce ? "at once" : "in " + Math.max(1, wait.toSeconds()) + " s");
    }

    private void giveUp(OutboxEntry entry, String reason) {
        recorded(entry.id(), () -> store.markFailed(entry.id(), holder, reason));
        if (entry.kind() == OutboxEntry.Kind.FILE && entry.userId() != null) {
            FileRequest file = FileRequest.parse(entry.payload());
            store.enqueuePost(entry.userId(), null, MessagePayload.toJson(SlackMessage.text(":x: Slack did not take the file *"
                    + SlackText.escape(file.title()) + "* for " + SlackText.channel(entry.channel()) + " (" + SlackText.escape(reason)
                    + "); nothing was shared. Try again once that is fixed.")));
        }
        failed.incrementAndGet();
        LOG.error("Slack call {} ({} to {}) failed for good: {}", entry.id(), entry.kind().name().toLowerCase(),
                entry.channel(), reason);
    }

    /**
     * Records how a call ended. If the database cannot take it right now, the record is kept
     * and written again before the next claim: otherwise the call would stay claimed, and its
     * whole lane (the channel's later posts, a thread's replies) would wait for the claim to run
     * out, minutes after the database is back.
     */
    private void recorded(long id, Runnable write) {
        try {
            write.run();
        } catch (StoreException e) {
            unrecorded.put(id, write);
            throw e;
        }
    }

    /** Writes the records the database could not take earlier, oldest first. */
    private void recordLeftovers() {
        for (var it = unrecorded.entrySet().iterator(); it.hasNext(); ) {
            var leftover = it.next();
            leftover.getValue().run(); // a StoreException leaves it for the next round
            it.remove();
            LOG.info("Outbox call {}: its outcome is recorded now", leftover.getKey());
        }
    }

    /**
     * The wait before the next try of a call that failed {@code attempts} times: 1 s doubling,
     * ±20 % so that a backlog's retries spread out, and never past {@code cap} (jitter included,
     * so an unreachable Slack is tried at least every {@link #MAX_UNREACHABLE_BACKOFF}).
     */
    static Duration backoff(int attempts, Duration cap) {
        return Backoff.around(FIRST_RETRY, cap, RETRY_JITTER).delay(attempts);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void close() {
        loop.close();
    }
}
