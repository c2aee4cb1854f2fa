package org.opsbot.bot;

import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.SettingsException;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.DatabaseCopy;
import org.opsbot.commands.store.JdbcUrls;
import org.opsbot.commands.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code opsbot copy-database --from jdbc:sqlite:…}: moves a bot's state from SQLite into the
 * new PostgreSQL database that {@code OPSBOT_DB} names, the way the bot will use it next. The
 * PostgreSQL password so stays in the environment, never on a command line.
 */
@Command(name = "copy-database", mixinStandardHelpOptions = true,
        description = "Copies a SQLite database (--from) into the PostgreSQL database of OPSBOT_DB, which must be"
                + " new and empty: every row with its id, in one transaction. Stop the bot first. The SQLite"
                + " database is first brought to this version's schema.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:copied", "1:not copied (the reason is printed); nothing was written to PostgreSQL",
                "2:wrong usage"})
final class CopyDatabaseCli implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Spec
    private CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "JDBC_URL",
            description = "the SQLite database to copy, e.g. jdbc:sqlite:data/opsbot.db")
    private String from;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!from.startsWith("jdbc:sqlite:")) {
            err.println("opsbot: --from must be a jdbc:sqlite: URL, e.g. jdbc:sqlite:data/opsbot.db");
            err.flush();
            return 2;
        }
        Path file = Path.of(from.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", ""));
        if (!Files.isRegularFile(file)) {
            // Opening a missing file would create an empty database and copy nothing.
            err.println("opsbot: there is no SQLite database at " + file.toAbsolutePath());
            err.flush();
            return 1;
        }
        Settings settings;
        try {
            settings = Settings.fromEnvironment(main.environment());
        } catch (SettingsException e) {
            e.problems().forEach(p -> err.println("environment: " + p));
            err.flush();
            return 1;
        }
        if (!settings.databaseUrl().startsWith("jdbc:postgresql:")) {
            err.println("opsbot: OPSBOT_DB must name the PostgreSQL database to copy into"
                    + " (jdbc:postgresql://host:5432/db?user=…&password=…), not " + JdbcUrls.masked(settings.databaseUrl()));
            err.flush();
            return 1;
        }
        try (Database source = Database.openForTool(from); Database target = Database.openForTool(settings.databaseUrl())) {
            DatabaseCopy.Result result = DatabaseCopy.sqliteToPostgresql(source, target, Clock.systemUTC());
            result.rows().forEach((table, rows) -> out.printf("%-22s %d%n", table, rows));
            out.println("Copied " + result.total() + " rows from " + file + " into " + JdbcUrls.masked(settings.databaseUrl())
                    + ". Start the bot with this OPSBOT_DB; keep the SQLite file as an archive.");
            out.flush();
            return 0;
        } catch (StoreException e) {
            err.println("opsbot: not copied: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
