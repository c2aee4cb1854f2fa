package org.opsbot.commands.config;

import java.util.Optional;

/**
 * Someone to reach about a team's systems, as each seed's manual ends with them: a person, a
 * vendor or a channel. Shown by {@code /ops contacts}, on incidents and in page DMs.
 *
 * @param role what to reach them for ("Oracle and PostgreSQL issues")
 */
public record Contact(String name, Optional<String> role, Optional<String> email, Optional<String> phone,
                      Optional<String> channel) {
}
