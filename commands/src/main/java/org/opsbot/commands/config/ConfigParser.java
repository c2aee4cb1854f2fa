package org.opsbot.commands.config;

import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.yaml.Problem;
import org.opsbot.commands.yaml.SecretScan;
import org.opsbot.commands.yaml.YamlReader;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates opsbot.yaml text; {@link ConfigLoader} decides which file that is. The keys
 * {@code permissions:} may name are the bot's commands' business: given them, a key that is not
 * one of them is reported; without them (tests, tools that know no commands) keys are not checked.
 */
public final class ConfigParser {

    private ConfigParser() {
    }

    /** Without the bot's permission keys: {@code permissions:} keys are not checked. */
    public static ConfigResult parse(String text, String file) {
        return parse(text, file, Optional.empty());
    }

    /**
     * @param file           the name problems are reported under (as the user would type it)
     * @param permissionKeys what the bot's commands declare; any other key under {@code permissions:} is a problem
     */
    public static ConfigResult parse(String text, String file, PermissionKeys permissionKeys) {
        return parse(text, file, Optional.of(permissionKeys));
    }

    static ConfigResult parse(String text, String file, Optional<PermissionKeys> permissionKeys) {
        var yaml = YamlReader.read(text, file);
        if (yaml.root().isEmpty()) {
            var problems = new ArrayList<>(yaml.problems());
            if (problems.isEmpty()) {
                problems.add(Problem.ofFile(file, "the file is empty",
                        "start from opsbot.example.yaml: cp opsbot.example.yaml opsbot.yaml"));
            }
            return new ConfigResult(Optional.empty(), file, false, problems);
        }
        // A file with a secret is refused before anything else looks at it, so that no other
        // message (an unknown key, a bad reference) can quote the secret back.
        var secrets = SecretScan.find(yaml.root().get(), file);
        if (!secrets.isEmpty()) {
            return new ConfigResult(Optional.empty(), file, false, secrets);
        }
        var binder = new OpsbotConfigBinder(file, permissionKeys);
        var config = binder.bind(yaml.root().get());
        var problems = new ArrayList<Problem>(yaml.problems());
        problems.addAll(binder.problems());
        problems.sort(Comparator.comparingInt(Problem::line));
        return new ConfigResult(config, file, false, problems);
    }

    /** Without the bot's permission keys: {@code permissions:} keys are not checked. */
    public static ConfigResult parse(Path file) {
        return parse(file, Optional.empty());
    }

    public static ConfigResult parse(Path file, PermissionKeys permissionKeys) {
        return parse(file, Optional.of(permissionKeys));
    }

    static ConfigResult parse(Path file, Optional<PermissionKeys> permissionKeys) {
        var name = file.toString();
        try {
            return parse(Files.readString(file), name, permissionKeys);
        } catch (NoSuchFileException e) {
            return failed(name, "file not found", "check the path, or create it: cp opsbot.example.yaml " + name);
        } catch (MalformedInputException e) {
            return failed(name, "the file is not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            return failed(name, "cannot read the file (" + e.getClass().getSimpleName() + ")",
                    "check that it is a readable file");
        }
    }

    private static ConfigResult failed(String file, String message, String fix) {
        return new ConfigResult(Optional.empty(), file, false, List.of(Problem.ofFile(file, message, fix)));
    }
}
