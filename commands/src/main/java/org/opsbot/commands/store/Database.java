package org.opsbot.commands.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The database: SQLite by default, PostgreSQL for several replicas. Opening it applies the
 * migrations of its dialect. All SQL lives in this package's stores.
 *
 * <p>SQLite writes are serialised through one platform thread: sqlite-jdbc is native code, so a
 * virtual thread waiting on the file lock would pin its carrier, and on a 2-core machine two
 * such writers stall the whole server. Write transactions begin {@code IMMEDIATE}, so they wait
 * for the lock up front (busy_timeout) instead of failing with SQLITE_BUSY when a read upgrades.
 *
 * <p>Failures say whether the database cannot take work right now ({@link StoreException#unavailable()}:
 * locked by another process, down, unreachable) or refused it for good; the first is an HTTP
 * 503 and a retry, the second a bug. Both come quickly, so a request still gets its answer
 * within Slack's 3 seconds: SQLite's busy timeout is short, and once a write has found the file
 * locked the next ones only look until one gets through (otherwise every queued write would
 * wait the full timeout in turn); PostgreSQL's pool waits briefly for a connection, and more
 * briefly still once the server is known to be unreachable, and a statement waits at most
 * {@value #CALL_NETWORK_TIMEOUT_MS} ms for the server's next bytes, so a network that silently
 * drops packets cannot hang a request either.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    // Long enough for another process's short write (the CLI, a backup's snapshot), short
    // enough that a request waiting behind it still answers within Slack's 3 seconds.
    private static final int BUSY_TIMEOUT_MS = 1_500;
    // While the file is known to be locked, a write only checks whether the lock is gone.
    private static final int LOCKED_BUSY_TIMEOUT_MS = 100;
    private static final int CONNECTION_TIMEOUT_MS = 1_500;
    // While PostgreSQL is known to be unreachable, a request only checks whether it is back
    // (Hikari's smallest timeout), so a request that needs two connections still answers in time.
    private static final int UNREACHABLE_CONNECTION_TIMEOUT_MS = 250;
    // A pooled connection that was idle gets this long to prove it is alive; shorter than the
    // wait for a connection, so that waiting and one failed check stay within Slack's 3 s.
    private static final int VALIDATION_TIMEOUT_MS = 1_000;
    // Idle connections are checked this often, so one that a dropped network left dead is
    // found and replaced before a request picks it (Hikari's minimum is 30 s).
    private static final int KEEPALIVE_MS = 60_000;
    /**
     * How long one call's statement waits for the next bytes from PostgreSQL. A network that
     * silently drops packets leaves a connection waiting forever (nothing resets it); with this
     * the call fails as "unreachable" and the request still answers within Slack's 3 s.
     * Statements of a chat bot come back in milliseconds, so this only cuts off a lost server.
     */
    static final int CALL_NETWORK_TIMEOUT_MS = 2_000;
    /**
     * pgjdbc's settings for a connection unless the URL sets them (pgjdbc reads the URL over
     * these): no wait without end to connect or to read (the driver's defaults are 10 s and
     * forever; the read timeout here bounds what runs outside {@link #read}/{@link #write}: the
     * pool's own work and the command-line tools; the migrations wait as long as they take), and
     * TCP keepalives so that the kernel notices a peer that went away while idle.
     */
    static final Map<String, String> POSTGRES_DEFAULTS = Map.of(
            "connectTimeout", "5",
            "socketTimeout", "30",
            "tcpKeepAlive", "true");

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ExecutorService writer;
    private final String description;
    // PostgreSQL: milliseconds a call waits for the server's next bytes; 0 for SQLite, or when
    // the URL sets its own socketTimeout (the operator's choice then holds for every call).
    private final int callNetworkTimeoutMs;
    // SQLite: the last write found the file locked by another process, and none has succeeded
    // since. Set and cleared on the writer thread; read by readiness.
    private volatile boolean locked;
    // PostgreSQL: the last call could not reach the server, and none has since.
    private volatile boolean unreachable;

    private Database(Dialect dialect, HikariDataSource dataSource, String description, int callNetworkTimeoutMs) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.callNetworkTimeoutMs = callNetworkTimeoutMs;
        this.jdbi = Jdbi.create(this::connection);
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
        return open(jdbcUrl, schema, true);
    }

    /**
     * Opens the database for a command-line tool ({@code opsbot copy-database}, {@code audit
     * verify}): no Slack request waits on it, and a statement over a whole table may take long,
     * so PostgreSQL statements wait up to the driver's {@code socketTimeout} (30 s by default)
     * rather than {@value #CALL_NETWORK_TIMEOUT_MS} ms.
     */
    public static Database openForTool(String jdbcUrl) {
        return open(jdbcUrl, null, false);
    }

    private static Database open(String jdbcUrl, String schema, boolean serving) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariDataSource ds = switch (dialect) {
            case SQLITE -> sqlite(jdbcUrl);
            case POSTGRESQL -> postgres(jdbcUrl, schema);
        };
        try {
            if (upToDate(ds, dialect)) {
                return new Database(dialect, ds, JdbcUrls.masked(jdbcUrl), serving ? callNetworkTimeout(dialect, jdbcUrl) : 0);
            }
            var flyway = Flyway.configure()
                    .dataSource(dialect == Dialect.POSTGRESQL ? new UnhurriedReads(ds) : ds)
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
        return new Database(dialect, ds, JdbcUrls.masked(jdbcUrl), serving ? callNetworkTimeout(dialect, jdbcUrl) : 0);
    }

    private static int callNetworkTimeout(Dialect dialect, String jdbcUrl) {
        return dialect == Dialect.POSTGRESQL && !urlSets(jdbcUrl, "socketTimeout") ? CALL_NETWORK_TIMEOUT_MS : 0;
    }

    /**
     * Whether the schema already has every bundled migration (then Flyway is not started, see
     * {@link Migrations}). A database that cannot be reached yet goes to Flyway, which reports it.
     */
    private static boolean upToDate(HikariDataSource ds, Dialect dialect) {
        try (Connection c = ds.getConnection()) {
            return Migrations.upToDate(c, dialect);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether the JDBC URL's query string sets {@code parameter}. */
    static boolean urlSets(String jdbcUrl, String parameter) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String pair : jdbcUrl.substring(query + 1).split("&")) {
            if (pair.equals(parameter) || pair.startsWith(parameter + "=")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The pool, for the migrations: their reads wait as long as the server takes (an index built
     * on a big table may take minutes), not the driver's {@code socketTimeout}. The pool puts the
     * timeout back when a connection is returned.
     */
    private record UnhurriedReads(HikariDataSource pool) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return unhurried(pool.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return unhurried(pool.getConnection(username, password));
        }

        private static Connection unhurried(Connection c) throws SQLException {
            try {
                c.setNetworkTimeout(Runnable::run, 0);
                return c;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return pool.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return pool.isWrapperFor(type);
        }
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
        // Waiting longer for a connection would only turn a down database into a hung request.
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(VALIDATION_TIMEOUT_MS);
        hikari.setKeepaliveTime(KEEPALIVE_MS);
        POSTGRES_DEFAULTS.forEach(hikari::addDataSourceProperty);
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
            return reached(jdbi.withHandle(callback));
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** Runs {@code callback} in one write transaction: all of it happens, or none of it. */
    public <T> T write(HandleCallback<T, RuntimeException> callback) {
        if (writer == null) {
            try {
                return reached(jdbi.inTransaction(callback));
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
        Future<T> result = writer.submit(() -> writeOnWriter(callback));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.unavailable("interrupted while waiting for the database writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw translate(re);
            }
            throw translate(new StoreException(rootMessage(e), e.getCause()));
        }
    }

    /** On the writer thread: one transaction, with a short lock wait while the file is known locked. */
    private <T> T writeOnWriter(HandleCallback<T, RuntimeException> callback) {
        try {
            T value = locked ? jdbi.withHandle(h -> {
                busyTimeout(h.getConnection(), LOCKED_BUSY_TIMEOUT_MS);
                try {
                    return h.inTransaction(callback);
                } finally {
                    busyTimeout(h.getConnection(), BUSY_TIMEOUT_MS);
                }
            }) : jdbi.inTransaction(callback);
            if (locked) {
                LOG.info("The SQLite database takes writes again");
                locked = false;
            }
            return value;
        } catch (RuntimeException e) {
            if (Failures.sqliteBusy(e) && !locked) {
                LOG.warn("The SQLite database is locked by another connection: writes fail until it is released");
                locked = true;
            }
            throw e;
        }
    }

    private static void busyTimeout(Connection c, int millis) {
        try {
            c.unwrap(SQLiteConnection.class).setBusyTimeout(millis);
        } catch (SQLException e) {
            throw new StoreException("cannot set SQLite's busy timeout: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the database can take work right now (readiness): it answers a trivial query, and
     * SQLite, if the last write found it locked, takes a write again.
     */
    public boolean isUp() {
        if (locked) {
            try {
                write(h -> null);
            } catch (StoreException e) {
                return false;
            }
        }
        try (var c = connection(); var s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            reached(null);
            return true;
        } catch (Exception e) {
            failed(new StoreException("readiness probe: " + rootMessage(e), e));
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

    /** A pooled connection; while PostgreSQL is known to be unreachable, only a brief wait for one. */
    private Connection connection() throws SQLException {
        Connection c = unreachable && dataSource.getHikariPoolMXBean() instanceof HikariPool pool
                ? pool.getConnection(UNREACHABLE_CONNECTION_TIMEOUT_MS)
                : dataSource.getConnection();
        if (callNetworkTimeoutMs > 0) {
            try {
                // The pool puts its own timeout back when the connection is returned.
                c.setNetworkTimeout(Runnable::run, callNetworkTimeoutMs);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** PostgreSQL answered: connections get their normal time again. */
    private <T> T reached(T value) {
        if (unreachable) {
            unreachable = false;
            LOG.info("PostgreSQL is reachable again");
        }
        return value;
    }

    private RuntimeException failed(RuntimeException e) {
        RuntimeException translated = translate(e);
        if (dialect == Dialect.POSTGRESQL && !unreachable && Failures.connection(e)) {
            unreachable = true;
            LOG.warn("PostgreSQL is unreachable ({}): requests fail fast until it answers again", rootMessage(e));
        }
        return translated;
    }

    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof StoreException s && (s.unavailable() || !Failures.unavailable(s))) {
            return e;
        }
        if (Failures.unavailable(e)) {
            return StoreException.unavailable("database unavailable: " + rootMessage(e), e);
        }
        return new StoreException("database error: " + rootMessage(e), e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof UnknownHostException && m != null) {
            // Its message is the bare host name, which alone does not say what went wrong.
            m = "unknown host " + m;
        }
        return JdbcUrls.masked(m == null ? t.getClass().getSimpleName() : m);
    }
}
