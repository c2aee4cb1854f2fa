package org.opsbot.bot;

import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.ConfigResult;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.SettingsException;
import org.opsbot.commands.yaml.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code opsbot} command line. Both {@code serve} and {@code validate} go through the same
 * checks, so that what validate accepts is exactly what the server will start with.
 */
@Command(name = "opsbot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-hosted ChatOps bot for Slack. Without a command, runs 'serve'.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:invalid configuration or environment", "2:wrong usage"},
        subcommands = AuditCli.class)
public final class Main implements Callable<Integer> {

    /**
     * Checks beyond opsbot.yaml, given the environment (runbooks expand {@code ${VAR}} from it):
     * what validate reports and serve insists on.
     */
    static List<Validator> validators(Map<String, String> env) {
        return List.of(new ActionsValidator(env));
    }

    /** What {@code serve} does once everything checked out; tests replace the blocking server. */
    @FunctionalInterface
    interface Server {
        int serve(Settings settings, OpsbotConfig config, String configSource);
    }

    private final Map<String, String> env;
    private final List<Validator> validators;
    private final Server server;

    @Spec
    private CommandSpec spec;

    public Main() {
        this(System.getenv());
    }

    /** For tests: the environment is a map, so no test has to touch the real one. */
    public Main(Map<String, String> env) {
        this(env, validators(env));
    }

    Main(Map<String, String> env, List<Validator> validators) {
        this(env, validators, Launcher::serve);
    }

    Main(Map<String, String> env, List<Validator> validators, Server server) {
        this.env = Map.copyOf(env);
        this.validators = List.copyOf(validators);
        this.server = server;
    }

    public static void main(String[] args) {
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
        var checked = check(null);
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
        return server.serve(checked.settings(), config.require(), config.source());
    }

    @Command(name = "validate", description = "Checks the environment and opsbot.yaml,"
            + " printing each problem as file:line: message and a fix.")
    int validate(@Option(names = "--config", paramLabel = "FILE",
            description = "the opsbot.yaml to check (default: $OPSBOT_CONFIG, else opsbot.yaml)") Path configFile) {
        var checked = check(configFile);
        var out = out();
        if (!checked.ok()) {
            checked.problems().forEach(out::println);
            out.println(plural(checked.problems().size(), "problem") + " found");
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

    /** The outcome of the checks serve and validate share. */
    private record Checked(Settings settings, ConfigResult config, List<String> problems, List<String> okLines) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private Checked check(Path configOverride) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(env);
        } catch (SettingsException e) {
            // Still check an existing opsbot.yaml, so that one run reports everything; which
            // file to fall back to cannot be decided without a usable environment.
            var problems = new ArrayList<>(e.problems().stream().map(p -> "environment: " + p).toList());
            var file = configOverride != null ? configOverride : Settings.configFile(env);
            if (configOverride != null || Files.exists(file)) {
                ConfigParser.parse(file).problems().forEach(p -> problems.add(p.format()));
            }
            return new Checked(null, null, problems, List.of());
        }
        var config = configOverride == null ? ConfigLoader.load(settings) : ConfigParser.parse(configOverride);
        if (!config.valid()) {
            return new Checked(settings, config, config.problems().stream().map(Problem::format).toList(), List.of());
        }
        OpsbotConfig opsbot = config.require();
        try {
            // opsbot.yaml's server: section fills what the environment leaves unset.
            settings = Settings.fromEnvironment(env, opsbot.server());
        } catch (SettingsException e) {
            return new Checked(settings, config, e.problems().stream().map(p -> "environment: " + p).toList(),
                    List.of());
        }
        var problems = new ArrayList<String>();
        var okLines = new ArrayList<String>();
        for (var validator : validators) {
            var report = validator.validate(settings, opsbot);
            report.problems().forEach(p -> problems.add(p.format()));
            if (report.problems().isEmpty()) {
                okLines.add(report.okLine());
            }
        }
        return new Checked(settings, config, problems, okLines);
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
