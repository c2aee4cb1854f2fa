/**
 * Deliberately broken code for {@code org.opsbot.architecture.ArchitectureRulesTest}: each
 * class breaks one architecture rule. Test code only, so the architecture test itself never
 * sees it.
 */
package org.opsbot.archfixture;
