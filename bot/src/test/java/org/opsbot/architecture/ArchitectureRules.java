package org.opsbot.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules {@link ArchitectureTest} holds both modules to (CONTRIBUTING.md, "Packages").
 * {@link ArchitectureRulesTest} shows each failing on a deliberately broken example, so none of
 * them passes by matching nothing.
 */
final class ArchitectureRules {

    /**
     * Every package is its own slice ({@code (**)}, not {@code (*)..}): a cycle between a package
     * and its subpackage ({@code bot} and {@code bot.checks}) counts as much as one between two
     * capabilities.
     */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("org.opsbot.(**)").namingSlices("$1")
            .should().beFreeOfCycles()
            .as("no package of opsbot depends on itself through other packages");

    static final ArchRule ENGINE_WITHOUT_SLACK_OR_HELIDON = noClasses()
            .that().resideInAPackage("org.opsbot.commands..")
            .should().dependOnClassesThat().resideInAnyPackage("com.slack..", "io.helidon..")
            .as("the engine (org.opsbot.commands) uses no Slack or Helidon type");

    /** opsbot's own database: JDBC, Jdbi, the pool, the drivers and the migrations. */
    private static final String[] DATABASE = {
            "java.sql..", "javax.sql..", "org.jdbi..", "com.zaxxer.hikari..", "org.sqlite..", "org.postgresql..",
            "org.flywaydb.."};

    /**
     * The {@code sql} check kind runs a runbook's query against the database being checked,
     * which is the user's system, not opsbot's own database: that is not "SQL outside the
     * store". So it, and the error texts that name its {@code SQLException}s, may use plain JDBC,
     * and nothing more of the database stack.
     */
    private static final DescribedPredicate<HasName> SQL_CHECK =
            nameMatching("org\\.opsbot\\.commands\\.check\\.(SqlKind|Errors)(\\$.*)?")
                    .as("the sql check kind (check.SqlKind, check.Errors)");

    static final ArchRule SQL_ONLY_IN_STORE = CompositeArchRule
            .of(noClasses().that().resideOutsideOfPackage("org.opsbot.commands.store..").and(not(SQL_CHECK))
                    .should().dependOnClassesThat().resideInAnyPackage(DATABASE))
            // Empty on classes without the sql check (the broken examples); a renamed check kind
            // fails the first part instead.
            .and(noClasses().that(SQL_CHECK)
                    .should().dependOnClassesThat(resideInAnyPackage(DATABASE).and(not(resideInAPackage("java.sql"))))
                    .allowEmptyShould(true))
            .as("only the store (org.opsbot.commands.store) uses SQL; the sql check kind may use JDBC on the"
                    + " database it checks");

    /**
     * The model is the bottom of the engine: the records the store reads and writes, which the
     * store and every capability above it share, so it needs none of them.
     */
    static final ArchRule MODEL_AT_THE_BOTTOM = classes().that().resideInAPackage("org.opsbot.commands.model..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("org.opsbot..")
                    .or(resideInAPackage("org.opsbot.commands.model..")))
            .as("the model (org.opsbot.commands.model) depends on no other opsbot package");

    /**
     * The bot's features that ask the engine for everything they keep. {@code escalation} is not
     * one yet: its loops take their leases from {@code LeaseStore} and the pager webhooks keep
     * their queue in {@code PagerWebhookStore} (CONTRIBUTING.md, "Packages").
     */
    private static final String[] FEATURES = {
            "org.opsbot.bot.actions..", "org.opsbot.bot.alerts..", "org.opsbot.bot.checks..",
            "org.opsbot.bot.incidents..", "org.opsbot.bot.oncall..", "org.opsbot.bot.stats..",
            "org.opsbot.bot.maintenance..", "org.opsbot.bot.heartbeats..", "org.opsbot.bot.procedures.."};

    /**
     * What a feature may still name of the store: the {@code Database} it hands through to the
     * engine classes it builds ({@code Alerts}, {@code RunbookChecks}) or that a command-line
     * tool opens ({@code opsbot oncall}), and {@code StoreException}, so that a database outage
     * is answered as one ("the database cannot be read") rather than as a bug.
     */
    private static final DescribedPredicate<JavaClass> STORE_TYPES_FEATURES_MAY_NAME =
            belongToAnyOf(Database.class, StoreException.class);

    static final ArchRule FEATURES_TALK_TO_THE_ENGINE = noClasses().that().resideInAnyPackage(FEATURES)
            .should().dependOnClassesThat(resideInAPackage("org.opsbot.commands.store..")
                    .and(not(STORE_TYPES_FEATURES_MAY_NAME)))
            .as("the bot's features (actions, alerts, checks, incidents, oncall, stats, maintenance, heartbeats,"
                    + " procedures) reach the store only through"
                    + " the engine; they may name Database and StoreException");

    private ArchitectureRules() {
    }
}
