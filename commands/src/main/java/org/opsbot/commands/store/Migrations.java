package org.opsbot.commands.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a database already has every migration this build bundles, found without Flyway.
 *
 * <p>Flyway, even with nothing to migrate, scans the classpath, parses and checksums every
 * migration and validates them against the schema history: about 0.1–0.2 s of CPU on the start
 * path of a restart, which has a 2 s target. When the history already lists, as applied, exactly
 * the versions bundled here, there is nothing to migrate and Flyway is not started. What that
 * skips is the checksum validation (a migration edited after it was applied): the migrations
 * tests catch that before a release, and a released migration is never edited. Anything else
 * (no history yet, a failed or missing version, a version this build does not know) goes
 * through Flyway, and with it through its PostgreSQL advisory lock, so replicas starting at once
 * on an empty database still migrate one at a time.
 */
final class Migrations {
    // Flyway's versioned migrations: V12__name.sql, V1_1__name.sql (version 1.1).
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__[^/]*\\.sql");

    private Migrations() {
    }

    /** Whether the schema history lists exactly the versions bundled for {@code dialect}, all applied. */
    static boolean upToDate(Connection c, Dialect dialect) {
        Optional<Set<String>> bundled = bundled(dialect);
        if (bundled.isEmpty() || bundled.get().isEmpty()) {
            return false;
        }
        Set<String> applied = new TreeSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false; // a failed migration: Flyway says what to do about it
                }
                applied.add(rs.getString(1));
            }
        } catch (SQLException noHistoryYet) {
            return false;
        }
        return applied.equals(bundled.get());
    }

    /** The versions of the migrations on the classpath for {@code dialect}; empty if they cannot be listed. */
    static Optional<Set<String>> bundled(Dialect dialect) {
        return bundled(dialect, Migrations.class.getClassLoader());
    }

    static Optional<Set<String>> bundled(Dialect dialect, ClassLoader loader) {
        String folder = "db/migration/" + dialect.name().toLowerCase(Locale.ROOT);
        URL url = loader.getResource(folder);
        if (url == null) {
            return Optional.empty();
        }
        try {
            Stream<String> names = switch (url.getProtocol()) {
                case "jar" -> inJar(url, folder + "/");
                case "file" -> inFolder(Path.of(url.toURI()));
                default -> null;
            };
            if (names == null) {
                return Optional.empty();
            }
            Set<String> versions = new TreeSet<>();
            names.forEach(name -> {
                Matcher m = VERSIONED.matcher(name);
                if (m.matches()) {
                    versions.add(m.group(1).replace('_', '.'));
                }
            });
            return Optional.of(versions);
        } catch (IOException | URISyntaxException | UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Stream<String> inJar(URL url, String prefix) throws IOException, URISyntaxException {
        URL jarUrl = ((JarURLConnection) url.openConnection()).getJarFileURL();
        try (JarFile jar = new JarFile(Path.of(jarUrl.toURI()).toFile())) {
            return jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0)
                    .map(n -> n.substring(prefix.length()))
                    .toList()
                    .stream();
        }
    }

    private static Stream<String> inFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }
}
