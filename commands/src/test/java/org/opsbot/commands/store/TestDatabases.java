package org.opsbot.commands.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Fresh, migrated databases for tests: always SQLite in a temporary folder, and PostgreSQL too
 * when {@code OPSBOT_TEST_POSTGRES_URL} names a server (each database in a schema of its own).
 * With {@code OPSBOT_TEST_REQUIRE_POSTGRES=true} (CI) a missing server fails the tests instead
 * of quietly testing SQLite alone. What a test JVM creates is removed when it exits: the
 * folders with their database files, and the schemas, which would otherwise pile up in the
 * developer's test database run after run.
 */
public final class TestDatabases {
    /** {@code -Dopsbot.test.postgres.url} when given (the benchmarks' {@code -Dbench.postgres}), else the environment's. */
    public static final String POSTGRES_URL = firstSet(System.getProperty("opsbot.test.postgres.url"),
            System.getenv("OPSBOT_TEST_POSTGRES_URL"));
    private static final boolean REQUIRE_POSTGRES = Boolean.parseBoolean(System.getenv("OPSBOT_TEST_REQUIRE_POSTGRES"));

    private static final Queue<Path> FOLDERS = new ConcurrentLinkedQueue<>();
    private static final Queue<String> SCHEMAS = new ConcurrentLinkedQueue<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::removeAll, "test-databases-cleanup"));
    }

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
            case POSTGRESQL -> Database.open(POSTGRES_URL, schema("t_"));
        };
    }

    /**
     * A fresh database that each call of the supplier opens again, as a restarted bot does (the
     * caller closes each one it opens).
     */
    public static Supplier<Database> reopenable(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> {
                String url = sqliteUrl();
                yield () -> Database.open(url);
            }
            case POSTGRESQL -> {
                String schema = schema("t_");
                yield () -> Database.open(POSTGRES_URL, schema);
            }
        };
    }

    /**
     * A fresh name for a PostgreSQL schema starting with {@code prefix}; the schema, once a test
     * creates it, is dropped when the JVM exits.
     */
    public static String schema(String prefix) {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        SCHEMAS.add(name);
        return name;
    }

    private static String firstSet(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /** A SQLite file in a fresh temporary folder (removed, with its WAL files, when the JVM exits). */
    public static String sqliteUrl() {
        try {
            Path dir = Files.createTempDirectory("opsbot-test-db");
            FOLDERS.add(dir);
            return "jdbc:sqlite:" + dir.resolve("opsbot.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeAll() {
        for (Path dir : FOLDERS) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException | UncheckedIOException e) {
                // Best effort: a folder left behind is the old behaviour, not a failure.
            }
        }
        if (SCHEMAS.isEmpty() || POSTGRES_URL == null || POSTGRES_URL.isBlank()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(POSTGRES_URL); Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                // One by one: a single statement would lock every table of every schema at once.
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        } catch (SQLException e) {
            // Best effort, as above: the server may be gone before the tests' JVM.
        }
    }
}
