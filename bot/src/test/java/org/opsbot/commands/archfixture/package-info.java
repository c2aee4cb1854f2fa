/**
 * Deliberately broken engine code for {@code org.opsbot.architecture.ArchitectureRulesTest}:
 * it sits under {@code org.opsbot.commands} so the engine's rules apply to it. Test code of the
 * bot module only; the engine never contains it.
 */
package org.opsbot.commands.archfixture;
