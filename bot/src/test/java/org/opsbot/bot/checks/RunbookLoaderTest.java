package org.opsbot.bot.checks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunbookLoaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFolderOnceHoweverOftenItIsAskedForTheSameSettings() throws IOException {
        Path folder = folderWith("one.yaml", "one");
        RunbookLoader loader = new RunbookLoader(Map.of());
        Settings settings = settings(folder);

        RunbookCatalog first = loader.load(settings);
        Files.delete(folder.resolve("one.yaml"));

        assertThat(loader.load(settings)).isSameAs(first);
        assertThat(first.all()).extracting(r -> r.name()).containsExactly("one");
    }

    @Test
    void readsAnotherFolderWhenTheSettingsNameOne() throws IOException {
        RunbookLoader loader = new RunbookLoader(Map.of());
        loader.load(settings(folderWith("one.yaml", "one")));

        RunbookCatalog other = loader.load(settings(Files.createDirectories(dir.resolve("other"))));

        assertThat(other.all()).isEmpty();
    }

    private Path folderWith(String file, String name) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve(file), """
                name: %s
                team: cdc
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                """.formatted(name));
        return folder;
    }

    private static Settings settings(Path runbooks) {
        return Settings.fromEnvironment(Map.of("OPSBOT_RUNBOOKS", runbooks.toString()));
    }
}
