package org.opsbot.bot;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigResult;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.SettingsException;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code opsbot calendar-url <schedule|@user>} and {@code opsbot calendar-revoke <schedule|@user>}:
 * the secret addresses of the calendar feeds, for an admin at the terminal. Each call of
 * calendar-url makes a new address (earlier ones keep working); calendar-revoke ends them all.
 */
final class CalendarCli {
    private static final String ACTOR = "cli";
    private static final Pattern USER = Pattern.compile("@?([UW][A-Z0-9]{2,})");

    private CalendarCli() {
    }

    @Command(name = "calendar-url", mixinStandardHelpOptions = true,
            description = "Prints a new secret address of a schedule's or a person's calendar feed (needs OPSBOT_PUBLIC_URL).")
    static final class Url implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        private Main main;
        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "SCHEDULE|@USER", description = "a schedule of opsbot.yaml, or a Slack user id such as @U0123ABCD")
        private String subject;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Optional<Setup> setup = Setup.of(main, subject, err);
            if (setup.isEmpty()) {
                return 2;
            }
            if (setup.get().settings().publicUrl().isEmpty()) {
                err.println("opsbot: OPSBOT_PUBLIC_URL is not set: set it to the address people reach opsbot at,"
                        + " e.g. https://opsbot.example.com");
                err.flush();
                return 1;
            }
            String publicUrl = setup.get().settings().publicUrl().get();
            return setup.get().withTokens(spec.commandLine().getOut(), err,
                    tokens -> publicUrl + "/calendar/" + tokens.issue(setup.get().subject(), ACTOR) + ".ics");
        }
    }

    @Command(name = "calendar-revoke", mixinStandardHelpOptions = true,
            description = "Ends every address of a schedule's or a person's calendar feed.")
    static final class Revoke implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        private Main main;
        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "SCHEDULE|@USER", description = "a schedule of opsbot.yaml, or a Slack user id such as @U0123ABCD")
        private String subject;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Optional<Setup> setup = Setup.of(main, subject, err);
            if (setup.isEmpty()) {
                return 2;
            }
            return setup.get().withTokens(spec.commandLine().getOut(), err, tokens -> {
                int n = tokens.revoke(setup.get().subject(), ACTOR);
                return "Revoked " + n + (n == 1 ? " address" : " addresses") + " of " + subject + "'s calendar.";
            });
        }
    }

    private record Setup(Settings settings, CalendarTokens.Subject subject) {
        /** Runs {@code work} on the database's calendar tokens and prints the line it returns; 1 when the database fails. */
        int withTokens(PrintWriter out, PrintWriter err, Function<CalendarTokens, String> work) {
            try (Database db = Database.openForTool(settings.databaseUrl())) {
                out.println(work.apply(new CalendarTokens(db, new AuditLog(db, Clock.systemUTC()), Clock.systemUTC())));
                out.flush();
                return 0;
            } catch (StoreException e) {
                err.println("opsbot: " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        static Optional<Setup> of(Main main, String text, PrintWriter err) {
            Settings settings;
            try {
                settings = Settings.fromEnvironment(main.environment());
            } catch (SettingsException e) {
                e.problems().forEach(p -> err.println("environment: " + p));
                err.flush();
                return Optional.empty();
            }
            Matcher user = USER.matcher(text);
            if (user.matches()) {
                return Optional.of(new Setup(settings, CalendarTokens.Subject.user(user.group(1))));
            }
            ConfigResult config = ConfigLoader.load(settings, Bot.permissionKeys());
            if (!config.valid()) {
                err.println("opsbot: opsbot.yaml has problems; 'opsbot validate' lists them");
                err.flush();
                return Optional.empty();
            }
            var schedules = config.require().schedules();
            if (!schedules.containsKey(text)) {
                err.println("opsbot: no schedule '" + text + "' and not a Slack user id; schedules: "
                        + String.join(", ", schedules.keySet()) + " (a person: @U0123ABCD)");
                err.flush();
                return Optional.empty();
            }
            return Optional.of(new Setup(settings, CalendarTokens.Subject.schedule(text)));
        }
    }
}
