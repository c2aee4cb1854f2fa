package org.opsbot.bot;

import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.JdbcUrls;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.LeaseStore.Lease;
import org.opsbot.commands.store.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notices a second opsbot process on the same SQLite file. SQLite is for one process: two
 * compete for its one write lock and its locks do not hold on a network volume. (Running
 * actions survive it: a run counts as abandoned only once its process stopped extending its
 * lease, on SQLite as on PostgreSQL.)
 *
 * <p>The leases tell a live neighbour from a dead one: a live process renews its leases every
 * few seconds, while one killed with {@code kill -9} leaves them behind unchanged. So the leases
 * are read twice, {@link #WATCH} apart, and a holder whose leases moved in between is running.
 * A warning rather than a refusal: at start-up a crashed predecessor's leases look the same as
 * a live neighbour's, and refusing would keep a restarted bot down.
 */
final class SharedSqlite {
    // Longer than any lease's renewal interval (the outbox renews every 5 s).
    static final Duration WATCH = Duration.ofSeconds(12);
    private static final Logger LOG = LoggerFactory.getLogger("opsbot");

    private SharedSqlite() {
    }

    /** Watches in the background and logs one warning if another process shares the file. */
    static void watch(Database database, String databaseUrl) {
        Thread.ofVirtual().name("opsbot-sqlite-sharing").start(() -> {
            try {
                otherProcess(new LeaseStore(database, Clock.systemUTC()), Replica.NAME, SharedSqlite::sleep)
                        .ifPresent(holder -> LOG.warn("Another opsbot process ({}) is using the same SQLite database"
                                + " ({}). SQLite is for one process: two compete for its single write lock and its"
                                + " locks do not hold on a network volume. For two replicas use PostgreSQL"
                                + " (OPSBOT_DB=jdbc:postgresql://…;"
                                + " README, \"SQLite or PostgreSQL?\").", holder, JdbcUrls.masked(databaseUrl)));
            } catch (RuntimeException e) {
                // The bot stopped meanwhile (database closed, thread interrupted): nothing to say.
                LOG.debug("SQLite sharing check skipped: {}", e.toString());
            }
        });
    }

    /**
     * The holder, other than {@code me}, that renewed or took a lease while {@code wait} ran.
     */
    static Optional<String> otherProcess(LeaseStore leases, String me, Runnable wait) {
        Map<String, Long> before = new HashMap<>();
        for (Lease lease : leases.heldByOthers(me)) {
            before.put(key(lease), lease.expiresAt());
        }
        wait.run();
        for (Lease lease : leases.heldByOthers(me)) {
            Long was = before.get(key(lease));
            if (was == null || lease.expiresAt() > was) {
                return Optional.of(lease.holder());
            }
        }
        return Optional.empty();
    }

    private static String key(Lease lease) {
        return lease.name() + '\n' + lease.holder();
    }

    private static void sleep() {
        try {
            Thread.sleep(WATCH);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
