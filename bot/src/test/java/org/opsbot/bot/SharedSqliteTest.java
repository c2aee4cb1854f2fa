package org.opsbot.bot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Telling a second live process on the same SQLite file from a crashed predecessor's leftovers. */
class SharedSqliteTest {
    private static final String ME = "1@this-host/aaaaaaaa";
    private static final String NEIGHBOUR = "4242@other-host/bbbbbbbb";
    private static final Duration TTL = Duration.ofSeconds(15);

    private final Database database = Database.open(TestDatabases.sqliteUrl());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T13:00:00Z"));
    private final LeaseStore neighbour = new LeaseStore(database, clock);
    private final LeaseStore mine = new LeaseStore(database, clock);

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aNeighbourThatKeepsRenewingItsLeasesIsNamed() {
        neighbour.acquire("outbox", NEIGHBOUR, TTL);
        neighbour.acquire("escalations", NEIGHBOUR, TTL);

        var found = SharedSqlite.otherProcess(mine, ME, () -> {
            clock.advance(Duration.ofSeconds(5));
            neighbour.acquire("escalations", NEIGHBOUR, TTL);
        });

        assertThat(found).contains(NEIGHBOUR);
    }

    @Test
    void aNeighbourThatTakesALeaseMeanwhileIsNamed() {
        var found = SharedSqlite.otherProcess(mine, ME, () -> neighbour.acquire("scheduler", NEIGHBOUR, TTL));

        assertThat(found).contains(NEIGHBOUR);
    }

    @Test
    void leasesLeftBehindByAKilledProcessAreNotANeighbour() {
        neighbour.acquire("outbox", NEIGHBOUR, TTL);
        neighbour.acquire("escalations", NEIGHBOUR, TTL);

        var found = SharedSqlite.otherProcess(mine, ME, () -> {
            clock.advance(Duration.ofSeconds(20));
            // This process takes the expired leases over, as its loops do.
            assertThat(mine.acquire("outbox", ME, TTL)).isTrue();
        });

        assertThat(found).isEmpty();
    }

    @Test
    void thisProcessesOwnLeasesAreNotANeighbour() {
        var found = SharedSqlite.otherProcess(mine, ME, () -> {
            mine.acquire("outbox", ME, TTL);
            clock.advance(Duration.ofSeconds(5));
            mine.acquire("outbox", ME, TTL);
        });

        assertThat(found).isEmpty();
    }
}
