package org.opsbot.commands.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Loads sqlite-jdbc's native library from a copy kept next to the database. Left to itself, the
 * driver copies the library (about 1 MB) out of its jar into a new file in the temp folder at
 * every start, then compares the copy with the original byte by byte and lists the temp folder
 * for stale copies: about 80 ms of CPU before the first connection, a noticeable share of the
 * bot's 2 s start-up target on a small machine. The copy here is written once per driver
 * version and platform, under a temporary name and then renamed, so a reader never sees half a
 * file and two processes starting at once cannot hurt each other.
 */
final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String TMPDIR = "org.sqlite.tmpdir";

    private static boolean tried;

    private SqliteNativeLibrary() {
    }

    /**
     * Loads the library from {@code folder/.sqlite-native/…}, copying it there first if needed.
     * Only the first call in a process does anything (the library is loaded once per process),
     * and nothing when someone chose its path ({@code -Dorg.sqlite.lib.path}); on any trouble the
     * driver loads it its own way.
     */
    static synchronized void loadFromCopyIn(Path folder) {
        if (tried || System.getProperty(PATH) != null) {
            return;
        }
        tried = true;
        try {
            Optional<Path> dir = copyIn(folder);
            if (dir.isEmpty()) {
                return;
            }
            // The driver reads these once, while loading; they are put back so nothing else sees them.
            System.setProperty(PATH, dir.get().toString());
            System.setProperty(TMPDIR, dir.get().toString());
            try {
                SQLiteJDBCLoader.initialize();
            } finally {
                System.clearProperty(PATH);
                System.clearProperty(TMPDIR);
            }
        } catch (Exception | LinkageError e) {
            LOG.debug("sqlite-jdbc loads its native library itself: {}", e.toString());
        }
    }

    /**
     * The folder holding an intact copy of this platform's library, written now if it is
     * missing or of the wrong size; empty when the driver has no library for this platform.
     */
    static Optional<Path> copyIn(Path folder) throws IOException {
        String resourceFolder = LibraryLoaderUtil.getNativeLibResourcePath();
        String name = LibraryLoaderUtil.getNativeLibName();
        URL resource = SQLiteJDBCLoader.class.getResource(resourceFolder + "/" + name);
        if (resource == null) {
            return Optional.empty();
        }
        Path dir = folder.resolve(".sqlite-native")
                .resolve(SQLiteJDBCLoader.getVersion() + resourceFolder.replace("/org/sqlite/native", "").replace('/', '-'));
        Path copy = dir.resolve(name);
        long size = resource.openConnection().getContentLengthLong();
        if (!Files.isRegularFile(copy) || size < 0 || Files.size(copy) != size) {
            Files.createDirectories(dir);
            Path partial = dir.resolve(name + "." + UUID.randomUUID() + ".partial");
            try (InputStream in = resource.openStream()) {
                Files.copy(in, partial);
                Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        return Optional.of(dir);
    }
}
