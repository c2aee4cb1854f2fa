package org.opsbot.commands.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteNativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    void copiesTheDriversLibraryOnceAndThenReusesTheCopy() throws IOException {
        Path folder = SqliteNativeLibrary.copyIn(dir).orElseThrow();
        Path library = onlyLibraryIn(folder);
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(library, old);

        assertThat(SqliteNativeLibrary.copyIn(dir)).contains(folder);
        assertThat(Files.getLastModifiedTime(library)).isEqualTo(old);
        assertThat(folder).startsWith(dir.resolve(".sqlite-native"));
    }

    @Test
    void replacesACopyThatWasCutShort() throws IOException {
        Path folder = SqliteNativeLibrary.copyIn(dir).orElseThrow();
        Path library = onlyLibraryIn(folder);
        long size = Files.size(library);
        Files.write(library, new byte[100]);

        SqliteNativeLibrary.copyIn(dir);

        assertThat(Files.size(library)).isEqualTo(size).isGreaterThan(100_000);
        try (var files = Files.list(folder)) {
            assertThat(files).containsExactly(library); // no partial copy left behind
        }
    }

    private static Path onlyLibraryIn(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
    }
}
