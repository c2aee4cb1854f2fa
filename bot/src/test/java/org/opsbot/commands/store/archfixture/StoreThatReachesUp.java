package org.opsbot.commands.store.archfixture;

import org.opsbot.commands.approval.Approvals;

/**
 * Deliberately broken store code for {@code org.opsbot.architecture.ArchitectureRulesTest}: a
 * store class that uses a capability above it instead of a model record.
 */
public final class StoreThatReachesUp {
    Approvals approvals;
}
