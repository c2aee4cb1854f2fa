/**
 * Deliberately broken feature code for {@code org.opsbot.architecture.ArchitectureRulesTest}:
 * it sits under a feature package of the bot ({@code org.opsbot.bot.oncall}) so the features'
 * rule applies to it. Test code only; the bot never contains it.
 */
package org.opsbot.bot.oncall.archfixture;
