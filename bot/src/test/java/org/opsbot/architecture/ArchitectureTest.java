package org.opsbot.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled classes of both modules keep the package layout of CONTRIBUTING.md: no package
 * cycles, no Slack or Helidon in the engine, SQL only in the store, features that reach the
 * store through the engine.
 */
@AnalyzeClasses(packages = "org.opsbot", importOptions = ArchitectureTest.ProductionCode.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesFormNoCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule engineUsesNoSlackOrHelidon = ArchitectureRules.ENGINE_WITHOUT_SLACK_OR_HELIDON;

    @ArchTest
    static final ArchRule onlyTheStoreUsesSql = ArchitectureRules.SQL_ONLY_IN_STORE;

    @ArchTest
    static final ArchRule modelIsTheBottomOfTheEngine = ArchitectureRules.MODEL_AT_THE_BOTTOM;

    @ArchTest
    static final ArchRule featuresReachTheStoreThroughTheEngine = ArchitectureRules.FEATURES_TALK_TO_THE_ENGINE;

    /** The rules above would pass on too few classes, so: both modules, and no test code. */
    @ArchTest
    static void bothModulesAndOnlyTheirMainCodeAreAnalysed(JavaClasses classes) {
        assertThat(classes.containPackage("org.opsbot.commands.store")).isTrue();
        assertThat(classes.containPackage("org.opsbot.commands.model")).isTrue();
        assertThat(classes.containPackage("org.opsbot.bot.slack")).isTrue();
        assertThat(classes.containPackage("org.opsbot.bot.testing")).isFalse();
        assertThat(classes.containPackage("org.opsbot.archfixture")).isFalse();
        assertThat(classes.containPackage("org.opsbot.bot.oncall.archfixture")).isFalse();
        assertThat(classes.contain("org.opsbot.commands.store.TestDatabases")).isFalse();
    }

    /** Main code only: not the test classes, nor the engine's test jar when it comes from a repository. */
    public static final class ProductionCode implements ImportOption {
        private final ImportOption notTests = new DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return notTests.includes(location) && !location.contains("-tests.jar");
        }
    }
}
