package org.opsbot.commands.model.archfixture;

import org.opsbot.commands.alert.AlertSource;

/**
 * Deliberately broken model code for {@code org.opsbot.architecture.ArchitectureRulesTest}: a
 * stored record that names a type of a capability above the store.
 */
public record RecordThatReachesUp(AlertSource source) {
}
