package org.opsbot.commands.store;

import org.junit.jupiter.api.Test;

import java.io.CharConversionException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A database that cannot take work right now (SQLite locked by another process) is told apart
 * from a request that is wrong, and is told quickly: a request waiting on it must still get an
 * answer within Slack's 3 seconds.
 */
class DatabaseFailuresTest {

    @Test
    void aFileLockedByAnotherProcessIsUnavailableQuicklyAndTakesWritesAgainWhenReleased() throws Exception {
        String url = TestDatabases.sqliteUrl();
        try (Database db = Database.open(url); Connection other = DriverManager.getConnection(url)) {
            db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-a', '1')"));
            try (Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }

            long started = System.nanoTime();
            StoreException first = catchThrowableOfType(StoreException.class,
                    () -> db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-b', '2')")));
            Duration firstTook = Duration.ofNanos(System.nanoTime() - started);
            assertThat(first.unavailable()).as("locked is 'not now', not a bug").isTrue();
            assertThat(firstTook).isBetween(Duration.ofMillis(1_000), Duration.ofMillis(2_500));

            started = System.nanoTime();
            StoreException next = catchThrowableOfType(StoreException.class,
                    () -> db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-c', '3')")));
            assertThat(next.unavailable()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("known locked: fails fast").isLessThan(Duration.ofMillis(600));
            assertThat(rows(db))
                    .as("reads go on meanwhile").isEqualTo(1);
            assertThat(db.isUp()).as("not ready while writes fail").isFalse();

            try (Statement s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            assertThat(db.isUp()).isTrue();
            db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-d', '4')"));
            assertThat(rows(db)).isEqualTo(2);
        }
    }

    private static int rows(Database db) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM setting WHERE name LIKE 't-%'").mapTo(Integer.class).one());
    }

    @Test
    void aWrongRequestIsABugNotAnOutage() {
        try (Database db = TestDatabases.open(Dialect.SQLITE)) {
            db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-a', '1')"));
            StoreException duplicate = catchThrowableOfType(StoreException.class,
                    () -> db.write(h -> h.execute("INSERT INTO setting (name, value) VALUES ('t-a', '2')")));
            StoreException noTable = catchThrowableOfType(StoreException.class,
                    () -> db.read(h -> h.execute("SELECT * FROM no_such_table")));
            StoreException badJson = catchThrowableOfType(StoreException.class, () -> db.read(h -> {
                throw new UncheckedIOException(new CharConversionException("a JSON column that does not parse"));
            }));
            StoreException socket = catchThrowableOfType(StoreException.class, () -> db.read(h -> {
                throw new UncheckedIOException(new ConnectException("Connection refused"));
            }));
            assertThat(badJson.unavailable()).isFalse();
            assertThat(socket.unavailable()).as("the driver's socket failing is an outage").isTrue();
            assertThat(duplicate.unavailable()).isFalse();
            assertThat(noTable.unavailable()).isFalse();
            assertThat(StoreException.isUnavailable(new RuntimeException(duplicate))).isFalse();
        }
    }
}
