package org.opsbot.commands.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The optional {@code server:} section: the non-secret settings, for teams that prefer them in
 * Git. The environment wins over each of them (see {@link Settings#fromEnvironment(java.util.Map,
 * ServerConfig)}).
 */
public record ServerConfig(Optional<Integer> port, Optional<String> database, Optional<Path> runbooks,
                           Optional<Path> templates) {

    public static final ServerConfig NONE =
            new ServerConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
}
