package org.opsbot.commands.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Flyway is skipped at start only when the schema history lists every bundled migration as applied. */
class MigrationsTest {

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theBundledVersionsAreTheMigrationFilesOfTheDialect(Dialect dialect) throws Exception {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(Path.of("src/main/resources/db/migration", dialect.name().toLowerCase(Locale.ROOT)))) {
            list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .forEach(n -> files.add(n.substring(1, n.indexOf("__"))));
        }
        assertThat(files).isNotEmpty();
        assertThat(Migrations.bundled(dialect)).hasValue(files);
    }

    @Test
    void theBundledVersionsAreFoundInsideAJarAsInTheShippedImage(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("commands.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("db/migration/", "db/migration/sqlite/", "db/migration/sqlite/V1__first.sql",
                    "db/migration/sqlite/V2_1__second.sql", "db/migration/sqlite/README.txt",
                    "db/migration/sqlite/old/V9__elsewhere.sql", "db/migration/postgresql/V3__other.sql")) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write("SELECT 1;".getBytes());
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThat(Migrations.bundled(Dialect.SQLITE, loader)).hasValue(Set.of("1", "2.1"));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aMigratedDatabaseIsUpToDateAndOneWithAFailedOrMissingMigrationIsNot(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            assertThat(upToDate(db, dialect)).isTrue();
            String newest = newest(dialect);

            db.write(h -> h.execute("UPDATE flyway_schema_history SET success = false WHERE version = ?", newest));
            assertThat(upToDate(db, dialect)).as("a failed migration").isFalse();

            db.write(h -> h.execute("DELETE FROM flyway_schema_history WHERE version = ?", newest));
            assertThat(upToDate(db, dialect)).as("a migration to apply").isFalse();
        }
    }

    @Test
    void anEmptyDatabaseIsNotUpToDate() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabases.sqliteUrl())) {
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).isFalse();
        }
    }

    @Test
    void aFailedMigrationStillStopsTheStartAsFlywayWould() throws Exception {
        String url = TestDatabases.sqliteUrl();
        try (Database db = Database.open(url)) {
            db.write(h -> h.execute("UPDATE flyway_schema_history SET success = false WHERE version = ?", newest(Dialect.SQLITE)));
        }
        assertThatThrownBy(() -> Database.open(url).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("failed migration");
    }

    @Test
    void twoReplicasStartingAtOnceOnAnEmptyPostgresqlMigrateItOnce() throws Exception {
        assumeTrue(dialects().contains(Dialect.POSTGRESQL), "no PostgreSQL (OPSBOT_TEST_POSTGRES_URL)");
        String schema = TestDatabases.schema("m_");
        try (ExecutorService replicas = Executors.newFixedThreadPool(2)) {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opened.add(replicas.submit(() -> Database.open(TestDatabases.POSTGRES_URL, schema)));
            }
            for (Future<Database> f : opened) {
                try (Database db = f.get()) {
                    assertThat(upToDate(db, Dialect.POSTGRESQL)).isTrue();
                    assertThat((int) db.<Integer>read(h -> h.createQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL")
                            .mapTo(Integer.class).one())).isEqualTo(Migrations.bundled(Dialect.POSTGRESQL).orElseThrow().size());
                }
            }
        } finally {
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static boolean upToDate(Database db, Dialect dialect) {
        Boolean upToDate = db.read(h -> Migrations.upToDate(h.getConnection(), dialect));
        return upToDate;
    }

    private static String newest(Dialect dialect) {
        return Migrations.bundled(dialect).orElseThrow().stream()
                .max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElseThrow();
    }
}
