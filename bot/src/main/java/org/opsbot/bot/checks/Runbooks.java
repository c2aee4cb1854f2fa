package org.opsbot.bot.checks;

import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.runbook.RunbookChecks;
import org.opsbot.commands.store.Database;

import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * The bot's runbooks and the one way they are run, built the same for the server and for
 * {@code opsbot check}, so the terminal and Slack report exactly the same thing.
 *
 * @param catalog every runbook of {@code OPSBOT_RUNBOOKS}
 * @param checks  runs, stores and audits a runbook's checks
 */
public record Runbooks(RunbookCatalog catalog, RunbookChecks checks) {

    /** The exec allow-list comes from {@code OPSBOT_EXEC_ALLOW} only (see {@link Settings#execAllow()}). */
    public static ExecAllowList allowList(Settings settings) {
        return new ExecAllowList(Set.copyOf(settings.execAllow()));
    }

    /**
     * Whether the default folder ({@code ./runbooks}) is simply absent: a bot without runbooks
     * is allowed to start. A folder that OPSBOT_RUNBOOKS names explicitly must exist.
     */
    public static boolean noFolder(Settings settings) {
        return settings.runbooksDir().equals(Settings.DEFAULT_RUNBOOKS_DIR) && !Files.isDirectory(settings.runbooksDir());
    }

    /** Loads the folder; the result may have problems (see {@link RunbookCatalog#problems()}). */
    public static RunbookCatalog catalog(Settings settings, Map<String, String> environment) {
        return RunbookCatalog.load(settings.runbooksDir(), environment, allowList(settings));
    }

    /**
     * @param environment for {@code ${VAR}} expansion and for masking secret-looking values in
     *                    what checks report
     */
    public static Runbooks open(Settings settings, Map<String, String> environment, Database db, Clock clock) {
        return open(settings, environment, db, clock, CheckRunner.defaultHttpClient());
    }

    /** @param http the process's one HTTP client, shared with whatever else calls out (actions) */
    public static Runbooks open(Settings settings, Map<String, String> environment, Database db, Clock clock,
                                okhttp3.OkHttpClient http) {
        return open(settings, environment, catalog(settings, environment), db, clock, http);
    }

    /** @param catalog the folder as already read (and validated) by the caller */
    public static Runbooks open(Settings settings, Map<String, String> environment, RunbookCatalog catalog,
                                Database db, Clock clock, okhttp3.OkHttpClient http) {
        CheckRunner runner = new CheckRunner(http, allowList(settings), SecretMasker.fromEnvironment(environment), clock);
        return new Runbooks(catalog, new RunbookChecks(runner, db, clock));
    }
}
