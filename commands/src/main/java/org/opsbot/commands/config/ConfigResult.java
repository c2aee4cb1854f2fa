package org.opsbot.commands.config;

import org.opsbot.commands.yaml.Problem;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of reading opsbot.yaml.
 *
 * @param config         the configuration; present unless the file could not be read as YAML
 *                       at all or contains a secret. Even when present, it is only safe to run
 *                       with when {@link #valid()}
 * @param source         what was read, for messages and the start-up banner: a path, or
 *                       {@link ConfigLoader#BUNDLED_EXAMPLE}
 * @param bundledExample true when the bundled example stands in for a missing opsbot.yaml
 */
public record ConfigResult(Optional<OpsbotConfig> config, String source, boolean bundledExample,
                           List<Problem> problems) {

    public ConfigResult {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return config.isPresent() && problems.isEmpty();
    }

    /** The configuration of a valid result; callers check {@link #valid()} first. */
    public OpsbotConfig require() {
        if (!valid()) {
            throw new IllegalStateException(source + " is not valid: " + problems);
        }
        return config.orElseThrow();
    }
}
