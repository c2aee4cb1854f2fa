package org.opsbot.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule of {@link ArchitectureTest} fails on a deliberately broken example (the classes
 * under {@code org.opsbot.archfixture}, {@code org.opsbot.commands.archfixture} and
 * {@code org.opsbot.commands.model.archfixture}), and names the class that broke it.
 */
class ArchitectureRulesTest {

    @Test
    void cycleBetweenTwoPackagesIsReported() {
        assertThat(violations(ArchitectureRules.NO_PACKAGE_CYCLES, "org.opsbot.archfixture.cycle"))
                .contains("archfixture.cycle.a", "archfixture.cycle.b", "Alpha", "Beta");
    }

    @Test
    void cycleBetweenAPackageAndItsSubpackageIsReported() {
        assertThat(violations(ArchitectureRules.NO_PACKAGE_CYCLES, "org.opsbot.archfixture.nested"))
                .contains("archfixture.nested.inner", "Outer", "Inner");
    }

    @Test
    void slackTypeInTheEngineIsReported() {
        assertThat(violations(ArchitectureRules.ENGINE_WITHOUT_SLACK_OR_HELIDON,
                "org.opsbot.commands.archfixture"))
                .contains("SlackInTheEngine", "com.slack.api.model.block.LayoutBlock");
    }

    @Test
    void helidonTypeInTheEngineIsReported() {
        assertThat(violations(ArchitectureRules.ENGINE_WITHOUT_SLACK_OR_HELIDON,
                "org.opsbot.commands.archfixture"))
                .contains("HelidonInTheEngine", "io.helidon.http.Status");
    }

    @Test
    void jdbcOutsideTheStoreIsReported() {
        assertThat(violations(ArchitectureRules.SQL_ONLY_IN_STORE, "org.opsbot.archfixture.sql"))
                .contains("QueriesOutsideTheStore", "java.sql.Connection");
    }

    @Test
    void jdbiOutsideTheStoreIsReported() {
        assertThat(violations(ArchitectureRules.SQL_ONLY_IN_STORE, "org.opsbot.archfixture.sql"))
                .contains("JdbiOutsideTheStore", "org.jdbi.v3.core.Jdbi");
    }

    @Test
    void modelRecordThatUsesACapabilityIsReported() {
        assertThat(violations(ArchitectureRules.MODEL_AT_THE_BOTTOM, "org.opsbot.commands.model.archfixture"))
                .contains("RecordThatReachesUp", "org.opsbot.commands.alert.AlertSource");
    }

    @Test
    void featureThatUsesAStoreIsReportedButNotForTheDatabaseItHandsOn() {
        String violations = violations(ArchitectureRules.FEATURES_TALK_TO_THE_ENGINE, "org.opsbot.bot.oncall.archfixture");

        assertThat(violations).contains("StoreInTheFeature", "org.opsbot.commands.store.OverrideStore");
        assertThat(violations).doesNotContain("DatabaseHandedOn");
    }

    /** The failure report of {@code rule} on the classes of {@code fixturePackage}, which must fail it. */
    private static String violations(ArchRule rule, String fixturePackage) {
        JavaClasses fixture = new ClassFileImporter().importPackages(fixturePackage);
        var result = rule.evaluate(fixture);
        assertThat(result.hasViolation()).as("%s on %s", rule.getDescription(), fixturePackage).isTrue();
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
