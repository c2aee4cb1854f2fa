package org.opsbot.bot;

import org.opsbot.bot.logging.MaskingLogProvider;
import org.opsbot.bot.oncall.OnCallCli;
import org.opsbot.bot.oncall.RouteCli;
import org.opsbot.bot.stats.StatsCli;
import org.opsbot.bot.checks.RunbookLoader;
import org.opsbot.bot.validation.RunbookValidator;
import org.opsbot.bot.checks.Runbooks;
import org.opsbot.bot.validation.ActionsValidator;
import org.opsbot.bot.validation.PagerWebhooksValidator;
import org.opsbot.bot.validation.ScheduleGapsValidator;
import org.opsbot.bot.validation.Validator;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ProgressListener;
import org.opsbot.commands.check.ReportText;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.ConfigResult;
import org.opsbot.commands.config.MisspeltVariables;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.SettingsException;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.JdbcUrls;
import org.opsbot.commands.store.StoreException;
import org.opsbot.commands.yaml.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The {@code opsbot} command line. Both {@code serve} and {@code validate} go through the same
 * checks, so that what validate accepts is exactly what the server will start with.
 */
@Command(name = "opsbot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-hosted ChatOps bot for Slack. Without a command, runs 'serve'.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:invalid configuration or environment", "2:wrong usage",
                "check: 0 OK, 1 WARN, 2 CRIT or ERROR (or the checks could not run)",
                "audit verify: 3 the audit log was changed"},
        subcommands = {AuditCli.class, CopyDatabaseCli.class, CalendarCli.Url.class, CalendarCli.Revoke.class})
public final class Main implements Callable<Integer> {

    /**
     * Checks beyond opsbot.yaml, given the environment (runbooks expand {@code ${VAR}} from it):
     * what validate reports and serve insists on.
     */
    static List<Validator> validators(Map<String, String> env) {
        return validators(env, new RunbookLoader(env));
    }

    /** @param runbooks read once, however many validators look at the runbooks */
    static List<Validator> validators(Map<String, String> env, RunbookLoader runbooks) {
        return List.of(new RunbookValidator(runbooks), new ActionsValidator(runbooks), new PagerWebhooksValidator(env),
                new ScheduleGapsValidator(Clock.systemUTC()));
    }

    /** What {@code serve} does once everything checked out; tests replace the blocking server. */
    @FunctionalInterface
    interface Server {
        /** @param runbooks the runbook folder as the validators read it, so the server need not read it again */
        int serve(Settings settings, OpsbotConfig config, RunbookCatalog runbooks, String configSource);
    }

    private final Map<String, String> env;
    private final RunbookLoader runbooks;
    private final List<Validator> validators;
    private final Server server;

    @Spec
    private CommandSpec spec;

    public Main() {
        this(System.getenv());
    }

    /** For tests: the environment is a map, so no test has to touch the real one. */
    public Main(Map<String, String> env) {
        this(env, new RunbookLoader(env));
    }

    private Main(Map<String, String> env, RunbookLoader runbooks) {
        this(env, runbooks, Launcher::serve);
    }

    /** For tests: the real validators, another server. */
    Main(Map<String, String> env, Server server) {
        this(env, new RunbookLoader(env), server);
    }

    private Main(Map<String, String> env, RunbookLoader runbooks, Server server) {
        this(env, runbooks, validators(env, runbooks), server);
    }

    Main(Map<String, String> env, List<Validator> validators) {
        this(env, validators, Launcher::serve);
    }

    Main(Map<String, String> env, List<Validator> validators, Server server) {
        this(env, new RunbookLoader(env), validators, server);
    }

    private Main(Map<String, String> env, RunbookLoader runbooks, List<Validator> validators, Server server) {
        this.env = Map.copyOf(env);
        this.runbooks = runbooks;
        this.validators = List.copyOf(validators);
        this.server = server;
    }

    public static void main(String[] args) {
        // Before anything logs: every log line passes the secrets masker.
        MaskingLogProvider.select();
        routeJavaUtilLoggingToSlf4j();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Helidon logs through java.util.logging; one log format and one set of levels for all. */
    static void routeJavaUtilLoggingToSlf4j() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @Override
    public Integer call() {
        return serve();
    }

    @Command(name = "serve", description = "Runs the bot (the default). Refuses to start on an invalid"
            + " environment or opsbot.yaml, with the same messages as 'validate'.")
    int serve() {
        long started = System.nanoTime();
        var checked = checkSetup(null);
        checked.warnings().forEach(w -> log().warn(w));
        if (!checked.ok()) {
            var err = err();
            checked.problems().forEach(err::println);
            err.println("opsbot: not starting: " + plural(checked.problems().size(), "problem")
                    + " (see above); run 'opsbot validate' after fixing them");
            err.flush();
            return 1;
        }
        var config = checked.config();
        if (config.bundledExample()) {
            log().warn("No opsbot.yaml at {}: dry-run with the bundled example configuration (made-up people)."
                    + " Create your own: cp opsbot.example.yaml opsbot.yaml", checked.settings().configFile());
        }
        // With the Bot's own phases, this shows where a slow start went (the target is 2 s).
        log().info("Checked the environment, opsbot.yaml and the runbooks in {} ms, {} ms after the JVM started",
                (System.nanoTime() - started) / 1_000_000,
                System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        return server.serve(checked.settings(), config.require(), runbooks.load(checked.settings()), config.source());
    }

    @Command(name = "validate", description = "Checks the environment and opsbot.yaml,"
            + " printing each problem as file:line: message and a fix.")
    int validate(@Option(names = "--config", paramLabel = "FILE",
            description = "the opsbot.yaml to check (default: $OPSBOT_CONFIG, else opsbot.yaml)") Path configFile) {
        var checked = checkSetup(configFile);
        var out = out();
        checked.warnings().forEach(w -> out.println("warning: " + w));
        if (!checked.ok()) {
            checked.problems().forEach(out::println);
            out.println(plural(checked.problems().size(), "problem") + " found");
            checked.notes().forEach(n -> out.println("note: " + n));
            out.flush();
            return 1;
        }
        var config = checked.config();
        var name = config.bundledExample() ? config.source() : Path.of(config.source()).getFileName().toString();
        out.println("OK: " + name + " is valid (" + config.require().summary() + ")"
                + (config.bundledExample() ? "; no opsbot.yaml at " + checked.settings().configFile()
                + ", so a dry run uses this example" : ""));
        checked.okLines().forEach(out::println);
        out.flush();
        return 0;
    }

    @Command(name = "oncall", description = "Shows who each escalation tier would notify, now or at a time"
            + " (a dry run: nobody is paged). User groups are shown by name: their members are known to the"
            + " running bot only.")
    int oncall(@Parameters(arity = "0..1", paramLabel = "TEAM", description = "one team (default: all)") String team,
               @Option(names = "--at", paramLabel = "TIME",
                       description = "e.g. 14:00, 'tomorrow 09:00', 'sat 03:00', '2026-12-24 18:00', 'in 2h'") String at,
               @Option(names = "--zone", paramLabel = "ZONE",
                       description = "time zone for --at and the output (default: this machine's)") String zone) {
        var err = err();
        return usableSetup(err).map(checked -> OnCallCli.print(checked.settings(), checked.config().require(), team, at, zone,
                out(), err)).orElse(1);
    }

    @Command(name = "route", description = "Shows what an alert with these labels would become: its route, team,"
            + " channel and severity, and who each escalation tier would notify now or at a time, and which tiers"
            + " are passed over and why (a dry run: nobody is paged)."
            + " E.g. opsbot route alertname=ServiceDown job=ivoris severity=critical --at 'sat 03:00'")
    int route(@Parameters(arity = "0..*", paramLabel = "LABEL=VALUE", description = "the alert's labels") List<String> labels,
              @Option(names = "--at", paramLabel = "TIME",
                      description = "e.g. 14:00, 'tomorrow 09:00', 'sat 03:00', '2026-12-24 18:00', 'in 2h'") String at,
              @Option(names = "--zone", paramLabel = "ZONE",
                      description = "time zone for --at and the output (default: this machine's)") String zone) {
        var err = err();
        return usableSetup(err).map(checked -> RouteCli.print(checked.settings(), checked.config().require(), labels, at, zone,
                out(), err)).orElse(1);
    }

    @Command(name = "reload", description = "Asks the running bot (every replica) to read opsbot.yaml and the"
            + " runbooks again, as SIGHUP does. The files are checked here first: an invalid set is not sent, and"
            + " prints the same file:line messages as 'validate'. Exit 0 when every replica that answered applied it,"
            + " 1 when it was refused or no bot answered.")
    int reload(@Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "20",
            description = "how long to wait for the bot's answer (default: 20)") int waitSeconds) {
        var checked = checkSetup(null);
        var err = err();
        var out = out();
        checked.warnings().forEach(w -> err.println("warning: " + w));
        if (!checked.ok()) {
            checked.problems().forEach(err::println);
            err.println("opsbot: not reloading: " + plural(checked.problems().size(), "problem")
                    + " (see above); the running bot keeps the configuration in force");
            err.flush();
            return 1;
        }
        Settings settings = checked.settings();
        try (Database db = Database.open(settings.databaseUrl())) {
            return ReloadCli.ask(new org.opsbot.commands.store.SettingStore(db), java.time.Duration.ofSeconds(waitSeconds),
                    out, err);
        } catch (StoreException e) {
            err.println("opsbot: cannot ask the bot: " + e.getMessage() + ". Check OPSBOT_DB ("
                    + JdbcUrls.masked(settings.databaseUrl()) + ").");
            err.flush();
            return 1;
        }
    }

    @Command(name = "stats", description = "Shows a team's on-call numbers for a period, as /ops stats: alert groups,"
            + " pages by tier and person, time to acknowledge and resolve, the noisiest alerts, on-call hours.")
    int stats(@Option(names = "--team", paramLabel = "TEAM", description = "one team (default: all together)") String team,
              @Option(names = "--since", paramLabel = "WHEN", description = "a date (YYYY-MM-DD) or a number of days"
                      + " such as 30d (default: 7d)") String since,
              @Option(names = "--until", paramLabel = "DATE", description = "the last day, YYYY-MM-DD (default: today)") String until,
              @Option(names = "--zone", paramLabel = "ZONE", description = "time zone of the days (default: this machine's)") String zone,
              @Option(names = "--json", description = "print the figures as JSON (durations in seconds)") boolean json) {
        var err = err();
        return usableSetup(err).map(checked -> StatsCli.print(checked.settings(), checked.config().require(), team, since,
                until, zone, json, out(), err)).orElse(1);
    }

    @Command(name = "check", description = "Runs a runbook's checks here and prints the report, as /ops check"
            + " posts it. Exit code 0 OK, 1 WARN, 2 CRIT or ERROR (also when the checks cannot run)."
            + " The run is stored with the actor 'cli'.")
    int check(@Parameters(paramLabel = "RUNBOOK", description = "the runbook's name") String name,
              @Option(names = "--json", description = "print the report as JSON") boolean json) {
        var err = err();
        var checked = checkSetup(null);
        checked.warnings().forEach(w -> err.println("warning: " + w));
        if (!checked.ok()) {
            checked.problems().forEach(err::println);
            err.println("opsbot: not running checks: " + plural(checked.problems().size(), "problem")
                    + " (see above); 'opsbot validate' lists them too");
            err.flush();
            return Status.CRIT.exitCode();
        }
        Settings settings = checked.settings();
        try (Database db = Database.open(settings.databaseUrl())) {
            Runbooks runbooks = Runbooks.open(settings, env, this.runbooks.load(settings), db, Clock.systemUTC(),
                    CheckRunner.defaultHttpClient());
            var runbook = runbooks.catalog().find(name);
            if (runbook.isEmpty()) {
                var close = runbooks.catalog().suggestions(name);
                err.println("opsbot: no runbook named '" + name + "' in " + settings.runbooksDir() + "."
                        + (close.isEmpty() ? "" : " Did you mean " + String.join(" or ", close) + "?")
                        + " Known: " + String.join(", ", runbooks.catalog().all().stream().map(r -> r.name()).toList()));
                err.flush();
                return Status.CRIT.exitCode();
            }
            RunReport report = runbooks.checks().run(runbook.get(), "cli", ProgressListener.NONE).report();
            var out = out();
            out.print(json ? ReportText.json(report) + System.lineSeparator() : ReportText.plain(report));
            out.flush();
            return report.status().exitCode();
        } catch (StoreException e) {
            err.println("opsbot: cannot store the run: " + e.getMessage() + ". Check OPSBOT_DB ("
                    + JdbcUrls.masked(settings.databaseUrl()) + ").");
            err.flush();
            return Status.CRIT.exitCode();
        }
    }

    /**
     * The outcome of the checks serve and validate share.
     *
     * @param warnings what does not stop the bot but is probably a mistake (a misspelt variable)
     * @param notes    what could not be checked because of the problems, for validate to say
     */
    private record Checked(Settings settings, ConfigResult config, List<String> problems, List<String> okLines,
                           List<String> warnings, List<String> notes) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * The environment and opsbot.yaml for a command that only reads them: warnings and problems
     * printed to {@code err}; empty (exit 1) when a problem stops it.
     */
    private Optional<Checked> usableSetup(PrintWriter err) {
        var checked = checkSetup(null);
        checked.warnings().forEach(w -> err.println("warning: " + w));
        if (!checked.ok()) {
            checked.problems().forEach(err::println);
            err.flush();
            return Optional.empty();
        }
        return Optional.of(checked);
    }

    private Checked checkSetup(Path configOverride) {
        var warnings = MisspeltVariables.warnings(env).stream().map(w -> "environment: " + w).toList();
        Settings settings;
        try {
            settings = Settings.fromEnvironment(env);
        } catch (SettingsException e) {
            // Still check an existing opsbot.yaml, so that one run reports everything; which
            // file to fall back to cannot be decided without a usable environment.
            var problems = new ArrayList<>(e.problems().stream().map(p -> "environment: " + p).toList());
            var file = configOverride != null ? configOverride : Settings.configFile(env);
            if (configOverride != null || Files.exists(file)) {
                ConfigParser.parse(file, Bot.permissionKeys()).problems().forEach(p -> problems.add(p.format()));
            }
            return new Checked(null, null, problems, List.of(), warnings, List.of());
        }
        // The keys permissions: may name are those the bot's commands declare; the server's
        // AccessPolicy holds the same ones.
        var config = configOverride == null ? ConfigLoader.load(settings, Bot.permissionKeys())
                : ConfigParser.parse(configOverride, Bot.permissionKeys());
        if (!config.valid()) {
            // The runbooks' own problems too, so that one run shows everything to fix; what they
            // say about opsbot.yaml (teams, approvers) waits until it is valid.
            var problems = new ArrayList<>(config.problems().stream().map(Problem::format).toList());
            var notes = new ArrayList<String>();
            var runbookSettings = withServerSection(settings, config);
            for (var validator : validators) {
                var partial = validator.validateWithoutConfig(runbookSettings);
                partial.problems().forEach(p -> problems.add(p.format()));
                partial.unchecked().ifPresent(notes::add);
            }
            return new Checked(settings, config, problems, List.of(), warnings, notes);
        }
        OpsbotConfig opsbot = config.require();
        try {
            // opsbot.yaml's server: section fills what the environment leaves unset.
            settings = Settings.fromEnvironment(env, opsbot.server());
        } catch (SettingsException e) {
            return new Checked(settings, config, e.problems().stream().map(p -> "environment: " + p).toList(),
                    List.of(), warnings, List.of());
        }
        var problems = new ArrayList<String>();
        var okLines = new ArrayList<String>();
        var allWarnings = new ArrayList<>(warnings);
        for (var validator : validators) {
            var report = validator.validate(settings, opsbot);
            report.problems().forEach(p -> problems.add(p.format()));
            report.warnings().forEach(w -> allWarnings.add(w.format()));
            if (report.problems().isEmpty()) {
                okLines.add(report.okLine());
            }
        }
        return new Checked(settings, config, problems, okLines, allWarnings, List.of());
    }

    /** The settings with what an opsbot.yaml with problems says in its server: section, where that is usable. */
    private Settings withServerSection(Settings settings, ConfigResult config) {
        try {
            return config.config().map(c -> Settings.fromEnvironment(env, c.server())).orElse(settings);
        } catch (SettingsException e) {
            return settings;
        }
    }

    /** The environment this command line runs with; subcommands read settings from it. */
    Map<String, String> environment() {
        return env;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"opsbot " + (version == null ? "(development build)" : version),
                    "Java " + Runtime.version()};
        }
    }
}
