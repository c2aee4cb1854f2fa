package org.opsbot.commands.config;

import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.yaml.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which opsbot.yaml the bot runs with: the file at {@link Settings#configFile()} when it exists;
 * otherwise, in dry-run only, the bundled example, so that a newcomer can try the bot with
 * nothing configured. A bot with a token never falls back: its alerts would page the example's
 * made-up people and nobody real.
 */
public final class ConfigLoader {

    /** The {@link ConfigResult#source()} of the bundled example. */
    public static final String BUNDLED_EXAMPLE = "opsbot.example.yaml (bundled example)";

    static final String EXAMPLE_RESOURCE = "/opsbot.example.yaml";

    private ConfigLoader() {
    }

    /** Without the bot's permission keys: {@code permissions:} keys are not checked. */
    public static ConfigResult load(Settings settings) {
        return load(settings.configFile(), settings.dryRun(), Optional.empty());
    }

    /** @param permissionKeys what the bot's commands declare; any other key under {@code permissions:} is a problem */
    public static ConfigResult load(Settings settings, PermissionKeys permissionKeys) {
        return load(settings.configFile(), settings.dryRun(), Optional.of(permissionKeys));
    }

    /** Without the bot's permission keys: {@code permissions:} keys are not checked. */
    public static ConfigResult load(Path file, boolean dryRun) {
        return load(file, dryRun, Optional.empty());
    }

    private static ConfigResult load(Path file, boolean dryRun, Optional<PermissionKeys> permissionKeys) {
        if (Files.exists(file)) {
            return ConfigParser.parse(displayed(file), permissionKeys);
        }
        if (dryRun) {
            return bundledExample(permissionKeys);
        }
        var name = displayed(file).toString();
        return new ConfigResult(Optional.empty(), name, false, List.of(Problem.ofFile(name,
                "not found, and SLACK_BOT_TOKEN is set; a production bot refuses to run with the bundled example,"
                        + " whose people and channels are made up, so that real alerts never go to them",
                "create it from the example and put your own people, teams and routes in it"
                        + " (cp opsbot.example.yaml opsbot.yaml), or point OPSBOT_CONFIG at your file")));
    }

    public static ConfigResult bundledExample() {
        return bundledExample(Optional.empty());
    }

    private static ConfigResult bundledExample(Optional<PermissionKeys> permissionKeys) {
        var result = ConfigParser.parse(exampleText(), BUNDLED_EXAMPLE, permissionKeys);
        return new ConfigResult(result.config(), BUNDLED_EXAMPLE, true, result.problems());
    }

    /** The text of opsbot.example.yaml as shipped in the jar. */
    public static String exampleText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("opsbot.example.yaml is missing from the classpath; the build"
                        + " copies it from the repository root into the commands jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // "./opsbot.yaml" reads better as "opsbot.yaml" in file:line messages.
    private static Path displayed(Path file) {
        var normal = file.normalize();
        return normal.toString().isEmpty() ? file : normal;
    }
}
