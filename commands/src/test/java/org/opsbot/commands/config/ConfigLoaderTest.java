package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void the_file_at_OPSBOT_CONFIG_is_used_when_it_exists() throws IOException {
        var file = Files.writeString(dir.resolve("opsbot.yaml"), ConfigLoader.exampleText());

        var result = ConfigLoader.load(settings(Map.of("OPSBOT_CONFIG", file.toString())));

        assertThat(result.valid()).isTrue();
        assertThat(result.bundledExample()).isFalse();
        assertThat(result.source()).isEqualTo(file.toString());
    }

    @Test
    void problems_name_the_file_as_configured() throws IOException {
        var file = Files.writeString(dir.resolve("opsbot.yaml"), "teams: [x]\n");

        var result = ConfigLoader.load(file, true);

        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.format()).startsWith(file + ":1: teams must be a mapping"));
    }

    @Test
    void a_dry_run_without_a_file_falls_back_to_the_bundled_example() {
        var result = ConfigLoader.load(settings(Map.of("OPSBOT_CONFIG", dir.resolve("missing.yaml").toString())));

        assertThat(result.valid()).isTrue();
        assertThat(result.bundledExample()).isTrue();
        assertThat(result.source()).isEqualTo(ConfigLoader.BUNDLED_EXAMPLE);
    }

    @Test
    void a_bot_with_a_token_refuses_to_run_without_its_own_file() {
        var missing = dir.resolve("missing.yaml");
        var result = ConfigLoader.load(settings(Map.of("OPSBOT_CONFIG", missing.toString(),
                "SLACK_BOT_TOKEN", "xoxb-1-2-abcdefgh", "SLACK_SIGNING_SECRET", "s3cr3t-s3cr3t")));

        assertThat(result.valid()).isFalse();
        assertThat(result.config()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(missing.toString());
            assertThat(p.line()).isZero();
            assertThat(p.message()).contains("refuses to run with the bundled example");
            assertThat(p.fix()).contains("cp opsbot.example.yaml opsbot.yaml").contains("OPSBOT_CONFIG");
        });
    }

    @Test
    void the_default_path_is_shown_without_its_leading_dot_slash() {
        var result = ConfigLoader.load(Path.of("./definitely-not-here/opsbot.yaml"), false);

        assertThat(result.problems().getFirst().format()).startsWith("definitely-not-here/opsbot.yaml: not found");
    }

    private static Settings settings(Map<String, String> env) {
        return Settings.fromEnvironment(env);
    }
}
