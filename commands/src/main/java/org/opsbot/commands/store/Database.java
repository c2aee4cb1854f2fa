package org.opsbot.commands.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The database: SQLite by default, PostgreSQL for several replicas. Opening it applies the
 * migrations of its dialect. All SQL lives in this package's stores.
 *
 * <p>SQLite writes are serialised through one platform thread: sqlite-jdbc is native code, so a
 * virtual thread waiting on the file lock would pin its carrier, and on a 2-core machine two
 * such writers stall the whole server. Write transactions begin {@code IMMEDIATE}, so they wait
 * for the lock up front (busy_timeout) instead of failing with SQLITE_BUSY when a read upgrades.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MS = 5_000;

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ExecutorService writer;
    private final String description;

    private Database(Dialect dialect, HikariDataSource dataSource, String description) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.description = description;
        this.writer = dialect == Dialect.SQLITE
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "opsbot-db-writer");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** Opens the database at {@code jdbcUrl} and brings its schema up to date. */
    public static Database open(String jdbcUrl) {
        return open(jdbcUrl, null);
    }

    /**
     * Opens the database with its tables in {@code schema} (PostgreSQL only; created if
     * missing). Tests use this to give every test its own schema on one server.
     */
    public static Database open(String jdbcUrl, String schema) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariDataSource ds = switch (dialect) {
            case SQLITE -> sqlite(jdbcUrl);
            case POSTGRESQL -> postgres(jdbcUrl, schema);
        };
        try {
            var flyway = Flyway.configure()
                    .dataSource(ds)
                    .locations(dialect.migrations())
                    .failOnMissingLocations(true);
            if (schema != null && dialect == Dialect.POSTGRESQL) {
                flyway.schemas(schema).createSchemas(true);
            }
            var result = flyway.load().migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Database schema migrated to version {} ({} migration(s) applied)",
                        result.targetSchemaVersion, result.migrationsExecuted);
            }
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("Could not prepare the database " + JdbcUrls.masked(jdbcUrl)
                    + ": " + rootMessage(e), e);
        }
        return new Database(dialect, ds, JdbcUrls.masked(jdbcUrl));
    }

    private static HikariDataSource sqlite(String jdbcUrl) {
        createParentFolder(jdbcUrl).ifPresent(SqliteNativeLibrary::loadFromCopyIn);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl(jdbcUrl);
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setPoolName("opsbot-sqlite");
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(1);
        return new HikariDataSource(hikari);
    }

    private static HikariDataSource postgres(String jdbcUrl, String schema) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setPoolName("opsbot-postgresql");
        hikari.setMaximumPoolSize(10);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(5_000);
        hikari.setValidationTimeout(2_000);
        // Start without a connection: the server can come up and report "not ready" rather
        // than refuse to start while the database is still booting.
        hikari.setInitializationFailTimeout(-1);
        if (schema != null) {
            if (!schema.matches("[a-z_][a-z0-9_]*")) {
                throw new StoreException("bad schema name " + schema);
            }
            hikari.setConnectionInitSql("SET search_path TO " + schema);
        }
        return new HikariDataSource(hikari);
    }

    /** The database file's folder, created if missing; empty for an in-memory or {@code file:} URL. */
    private static Optional<Path> createParentFolder(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) {
            return Optional.empty();
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            return Optional.of(Files.createDirectories(parent));
        } catch (IOException e) {
            throw new StoreException("Cannot create the folder " + parent + " for the SQLite database: " + e.getMessage(), e);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs a read; SQLite's WAL lets readers proceed while the writer works. */
    public <T> T read(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** Runs {@code callback} in one write transaction: all of it happens, or none of it. */
    public <T> T write(HandleCallback<T, RuntimeException> callback) {
        if (writer == null) {
            try {
                return jdbi.inTransaction(callback);
            } catch (RuntimeException e) {
                throw translate(e);
            }
        }
        Future<T> result = writer.submit(() -> jdbi.inTransaction(callback));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw translate(re);
            }
            throw new StoreException(rootMessage(e), e.getCause());
        }
    }

    /** Whether the database answers a trivial query right now (readiness). */
    public boolean isUp() {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
        }
        dataSource.close();
    }

    @Override
    public String toString() {
        return description;
    }

    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof StoreException) {
            return e;
        }
        return new StoreException("database error: " + rootMessage(e), e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return JdbcUrls.masked(m == null ? t.getClass().getSimpleName() : m);
    }
}
