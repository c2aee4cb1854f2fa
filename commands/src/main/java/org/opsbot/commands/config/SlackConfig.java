package org.opsbot.commands.config;

import java.util.Optional;

/**
 * The {@code slack:} section.
 *
 * @param defaultChannel   where alerts go when their team names no channel
 * @param incidentsChannel where incidents are announced
 * @param incidentChannels whether each incident gets a channel of its own, with its people invited
 */
public record SlackConfig(Optional<String> defaultChannel, Optional<String> incidentsChannel, boolean incidentChannels) {

    public static final SlackConfig NONE = new SlackConfig(Optional.empty(), Optional.empty(), false);
}
