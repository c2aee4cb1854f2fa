package org.opsbot.bot;

import org.opsbot.commands.audit.AuditChain;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.SettingsException;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** {@code opsbot audit verify|export}: the audit log of the database {@code OPSBOT_DB} names. */
@Command(name = "audit", description = "Checks or exports the audit log (the database of OPSBOT_DB).",
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (verify: the chain is intact)", "1:invalid environment or no database",
                "2:wrong usage", "3:verify: the audit log was changed (entries edited, inserted or deleted)"})
final class AuditCli {
    static final int TAMPERED = 3;

    @ParentCommand
    private Main main;

    @Spec
    private CommandSpec spec;

    @Command(name = "verify", description = "Recomputes the hash chain: finds edited, inserted and deleted entries."
            + " Prints the head hash; keep it elsewhere to detect a rewrite of the whole chain.")
    int verify() {
        try (Database db = open()) {
            if (db == null) {
                return 1;
            }
            AuditChain.Verification v = new AuditLog(db, Clock.systemUTC()).verify();
            PrintWriter out = spec.commandLine().getOut();
            if (v.intact()) {
                out.println("OK: the audit log is intact (" + v.entries() + " entries; head hash "
                        + (v.headHash().isEmpty() ? "(empty)" : v.headHash()) + ")");
                out.flush();
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            v.problems().forEach(p -> err.println("audit: " + p));
            err.println("The audit log was changed outside opsbot (" + v.entries() + " entries read). "
                    + "Compare with an earlier export (opsbot audit export) to see what.");
            err.flush();
            return TAMPERED;
        } catch (StoreException e) {
            spec.commandLine().getErr().println("opsbot: " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "export", description = "Writes every entry, oldest first, as JSON lines (one object per line,"
            + " with its chain hashes).")
    int export(@Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write to FILE instead of standard output") Path file) {
        try (Database db = open()) {
            if (db == null) {
                return 1;
            }
            AuditLog log = new AuditLog(db, Clock.systemUTC());
            long n;
            if (file == null) {
                Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                n = log.exportJsonLines(out);
                out.flush();
            } else {
                try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    n = log.exportJsonLines(out);
                }
                spec.commandLine().getErr().println(n + " entries written to " + file);
            }
            return 0;
        } catch (IOException | java.io.UncheckedIOException e) {
            spec.commandLine().getErr().println("opsbot: cannot write the export: " + e.getMessage());
            return 1;
        } catch (StoreException e) {
            spec.commandLine().getErr().println("opsbot: " + e.getMessage());
            return 1;
        }
    }

    private Database open() {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(main.environment());
        } catch (SettingsException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println("environment: " + p));
            return null;
        }
        return Database.openForTool(settings.databaseUrl());
    }
}
