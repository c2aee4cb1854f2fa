package org.opsbot.commands.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Fresh, migrated databases for tests: always SQLite in a temporary folder, and PostgreSQL too
 * when {@code OPSBOT_TEST_POSTGRES_URL} names a server (each database in a schema of its own).
 * With {@code OPSBOT_TEST_REQUIRE_POSTGRES=true} (CI) a missing server fails the tests instead
 * of quietly testing SQLite alone.
 */
public final class TestDatabases {
    /** {@code -Dopsbot.test.postgres.url} when given (the benchmarks' {@code -Dbench.postgres}), else the environment's. */
    public static final String POSTGRES_URL = firstSet(System.getProperty("opsbot.test.postgres.url"),
            System.getenv("OPSBOT_TEST_POSTGRES_URL"));
    private static final boolean REQUIRE_POSTGRES = Boolean.parseBoolean(System.getenv("OPSBOT_TEST_REQUIRE_POSTGRES"));

    private TestDatabases() {
    }

    /** One of each available dialect; for {@code @MethodSource}. */
    public static List<Dialect> dialects() {
        List<Dialect> dialects = new ArrayList<>();
        dialects.add(Dialect.SQLITE);
        if (POSTGRES_URL != null && !POSTGRES_URL.isBlank()) {
            dialects.add(Dialect.POSTGRESQL);
        } else if (REQUIRE_POSTGRES) {
            throw new IllegalStateException("OPSBOT_TEST_REQUIRE_POSTGRES is set but OPSBOT_TEST_POSTGRES_URL is not");
        }
        return dialects;
    }

    public static Database open(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> Database.open(sqliteUrl());
            case POSTGRESQL -> Database.open(POSTGRES_URL,
                    "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT));
        };
    }

    private static String firstSet(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /** A SQLite file in a fresh temporary folder (removed when the JVM exits). */
    public static String sqliteUrl() {
        try {
            var dir = Files.createTempDirectory("opsbot-test-db");
            dir.toFile().deleteOnExit();
            return "jdbc:sqlite:" + dir.resolve("opsbot.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
