package org.opsbot.commands.config;

import org.opsbot.commands.check.SecretMasker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Process settings: the environment variables of PRODUCT.md ("Running it"), resolved once at
 * start-up. Secrets (tokens, signing secret) come only from here, never from opsbot.yaml.
 *
 * @param slackBotToken      {@code SLACK_BOT_TOKEN}; empty means dry-run
 * @param slackSigningSecret {@code SLACK_SIGNING_SECRET}; empty means /slack/events answers 401
 *                           (not needed in Socket Mode, where /slack/events is not served)
 * @param slackAppToken      {@code SLACK_APP_TOKEN}; Socket Mode when present
 * @param slackApiUrl        {@code SLACK_API_URL}, always ending in '/'
 * @param port               {@code OPSBOT_PORT}; 0 asks for any free port (tests)
 * @param databaseUrl        {@code OPSBOT_DB}; may hold a password, see {@link #toString()}
 * @param configFile         {@code OPSBOT_CONFIG}
 * @param runbooksDir        {@code OPSBOT_RUNBOOKS}
 * @param templatesDir       {@code OPSBOT_TEMPLATES}
 * @param webhookTokens      {@code OPSBOT_WEBHOOK_TOKEN}, comma-separated; empty means /alerts/*
 *                           accepts nothing
 * @param slackTeamId        {@code SLACK_TEAM_ID}: the workspace the bot serves; when empty it is
 *                           learned from Slack's auth.test
 * @param execAllow          {@code OPSBOT_EXEC_ALLOW}, comma-separated: the programs runbook
 *                           {@code exec} checks and actions may start; empty allows none. Only the
 *                           environment sets it, so a change to files in Git (runbooks,
 *                           opsbot.yaml) alone cannot make the bot start a new program
 * @param http               {@code OPSBOT_HTTP_*}: the HTTP server's timeouts for slow clients and
 *                           its connection limit
 * @param heartbeatTokens    {@code OPSBOT_HEARTBEAT_TOKEN}, comma-separated; empty means
 *                           /heartbeats/* accepts nothing. Separate from the webhook tokens: a
 *                           host that may only say "alive" cannot send alerts
 * @param publicUrl          {@code OPSBOT_PUBLIC_URL}: where people reach the bot's HTTP server
 *                           (calendar feeds), without a trailing '/'; empty when not set
 * @param overrideMax        {@code OPSBOT_OVERRIDE_MAX}: the longest one on-call override may last
 */
public record Settings(
        Optional<String> slackBotToken,
        Optional<String> slackSigningSecret,
        Optional<String> slackAppToken,
        String slackApiUrl,
        int port,
        String databaseUrl,
        Path configFile,
        Path runbooksDir,
        Path templatesDir,
        List<String> webhookTokens,
        Optional<String> slackTeamId,
        List<String> execAllow,
        HttpLimits http,
        List<String> heartbeatTokens,
        Optional<String> publicUrl,
        Duration overrideMax) {

    public static final String DEFAULT_SLACK_API_URL = "https://slack.com/api/";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DATABASE_URL = "jdbc:sqlite:data/opsbot.db";
    public static final Path DEFAULT_CONFIG_FILE = Path.of("./opsbot.yaml");
    public static final Path DEFAULT_RUNBOOKS_DIR = Path.of("./runbooks");
    public static final Path DEFAULT_TEMPLATES_DIR = Path.of("./templates");
    /** How long an on-call override may last unless {@code OPSBOT_OVERRIDE_MAX} says otherwise. */
    public static final Duration DEFAULT_OVERRIDE_MAX = Duration.ofDays(31);

    private static final Pattern TEAM_ID = Pattern.compile("[TE][A-Z0-9]{2,}");

    public Settings {
        webhookTokens = List.copyOf(webhookTokens);
        execAllow = List.copyOf(execAllow);
        heartbeatTokens = List.copyOf(heartbeatTokens);
    }

    /** The record as it was before {@code OPSBOT_PUBLIC_URL} and {@code OPSBOT_OVERRIDE_MAX}; kept so existing callers compile. */
    public Settings(Optional<String> slackBotToken, Optional<String> slackSigningSecret,
                    Optional<String> slackAppToken, String slackApiUrl, int port, String databaseUrl,
                    Path configFile, Path runbooksDir, Path templatesDir, List<String> webhookTokens,
                    Optional<String> slackTeamId, List<String> execAllow, HttpLimits http, List<String> heartbeatTokens) {
        this(slackBotToken, slackSigningSecret, slackAppToken, slackApiUrl, port, databaseUrl, configFile,
                runbooksDir, templatesDir, webhookTokens, slackTeamId, execAllow, http, heartbeatTokens, Optional.empty(),
                DEFAULT_OVERRIDE_MAX);
    }

    /** The record as it was before {@code OPSBOT_HEARTBEAT_TOKEN}; kept so existing callers compile. */
    public Settings(Optional<String> slackBotToken, Optional<String> slackSigningSecret,
                    Optional<String> slackAppToken, String slackApiUrl, int port, String databaseUrl,
                    Path configFile, Path runbooksDir, Path templatesDir, List<String> webhookTokens,
                    Optional<String> slackTeamId, List<String> execAllow, HttpLimits http) {
        this(slackBotToken, slackSigningSecret, slackAppToken, slackApiUrl, port, databaseUrl, configFile,
                runbooksDir, templatesDir, webhookTokens, slackTeamId, execAllow, http, List.of());
    }

    /** The record as it was before {@code OPSBOT_HTTP_*}; kept so existing callers compile. */
    public Settings(Optional<String> slackBotToken, Optional<String> slackSigningSecret,
                    Optional<String> slackAppToken, String slackApiUrl, int port, String databaseUrl,
                    Path configFile, Path runbooksDir, Path templatesDir, List<String> webhookTokens,
                    Optional<String> slackTeamId, List<String> execAllow) {
        this(slackBotToken, slackSigningSecret, slackAppToken, slackApiUrl, port, databaseUrl, configFile,
                runbooksDir, templatesDir, webhookTokens, slackTeamId, execAllow, HttpLimits.DEFAULT);
    }

    /** The record as it was before {@code OPSBOT_EXEC_ALLOW}; kept so existing callers compile. */
    public Settings(Optional<String> slackBotToken, Optional<String> slackSigningSecret,
                    Optional<String> slackAppToken, String slackApiUrl, int port, String databaseUrl,
                    Path configFile, Path runbooksDir, Path templatesDir, List<String> webhookTokens,
                    Optional<String> slackTeamId) {
        this(slackBotToken, slackSigningSecret, slackAppToken, slackApiUrl, port, databaseUrl, configFile,
                runbooksDir, templatesDir, webhookTokens, slackTeamId, List.of());
    }

    /** The record as it was before {@code SLACK_TEAM_ID}; kept so existing callers compile. */
    public Settings(Optional<String> slackBotToken, Optional<String> slackSigningSecret,
                    Optional<String> slackAppToken, String slackApiUrl, int port, String databaseUrl,
                    Path configFile, Path runbooksDir, Path templatesDir, List<String> webhookTokens) {
        this(slackBotToken, slackSigningSecret, slackAppToken, slackApiUrl, port, databaseUrl, configFile,
                runbooksDir, templatesDir, webhookTokens, Optional.empty(), List.of());
    }

    public boolean dryRun() {
        return slackBotToken.isEmpty();
    }

    /** Slack delivers over a WebSocket the bot opens, not to {@code /slack/events}. */
    public boolean socketMode() {
        return slackAppToken.isPresent();
    }

    /**
     * @throws SettingsException listing every unusable variable at once
     */
    public static Settings fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, ServerConfig.NONE);
    }

    /**
     * Settings with opsbot.yaml's {@code server:} section filling what the environment leaves
     * unset: the environment wins, so an operator can always override what is in Git.
     *
     * @throws SettingsException listing every unusable variable at once
     */
    public static Settings fromEnvironment(Map<String, String> env, ServerConfig server) {
        var reader = new Reader(env);
        var settings = read(reader, server);
        if (!reader.problems.isEmpty()) {
            throw new SettingsException(reader.problems);
        }
        return settings;
    }

    /**
     * Every variable the bot reads (the secrets' {@code NAME_FILE} forms included), as the
     * reading itself asks for them, so that a new variable cannot be left out of this list.
     */
    public static Set<String> variables() {
        var reader = new Reader(Map.of());
        read(reader, ServerConfig.NONE);
        return Collections.unmodifiableSet(reader.asked);
    }

    private static Settings read(Reader reader, ServerConfig server) {
        var botToken = reader.secret("SLACK_BOT_TOKEN");
        var signingSecret = reader.secret("SLACK_SIGNING_SECRET");
        var appToken = reader.secret("SLACK_APP_TOKEN");
        var webhook = reader.secret("OPSBOT_WEBHOOK_TOKEN");
        var heartbeat = reader.secret("OPSBOT_HEARTBEAT_TOKEN");

        botToken.filter(t -> !t.startsWith("xoxb-")).ifPresent(t -> reader.problem(
                "SLACK_BOT_TOKEN does not look like a bot token: it should start with xoxb- (OAuth & Permissions"
                        + " → Bot User OAuth Token)"));
        appToken.filter(t -> !t.startsWith("xapp-")).ifPresent(t -> reader.problem(
                "SLACK_APP_TOKEN does not look like an app-level token: it should start with xapp-"
                        + " (Basic Information → App-Level Tokens)"));
        // Socket Mode needs no signing secret: the bot dials Slack, nothing arrives at /slack/events.
        if (botToken.isPresent() && signingSecret.isEmpty() && appToken.isEmpty()) {
            reader.problem("SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not; without it every request"
                    + " from Slack would be refused. Set it (Basic Information → Signing Secret),"
                    + " or set SLACK_APP_TOKEN to use Socket Mode instead of a Request URL,"
                    + " or unset SLACK_BOT_TOKEN for a dry run");
        }
        if (appToken.isPresent() && botToken.isEmpty()) {
            reader.problem("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not; Socket Mode needs both");
        }
        var teamId = reader.plain("SLACK_TEAM_ID");
        teamId.filter(t -> !TEAM_ID.matcher(t).matches()).ifPresent(t -> reader.problem(
                "SLACK_TEAM_ID '" + t + "' is not a workspace id; it starts with T (or E for Enterprise Grid),"
                        + " e.g. T0123ABCD, and is shown by auth.test"));

        var apiUrl = reader.plain("SLACK_API_URL").map(url -> apiUrl(url, reader)).orElse(DEFAULT_SLACK_API_URL);
        var port = reader.plain("OPSBOT_PORT").map(p -> port(p, reader)).or(server::port).orElse(DEFAULT_PORT);
        var database = reader.plain("OPSBOT_DB").or(server::database).orElse(DEFAULT_DATABASE_URL);
        if (!database.startsWith("jdbc:sqlite:") && !database.startsWith("jdbc:postgresql:")) {
            // Never echo the URL: it may carry a password.
            reader.problem("OPSBOT_DB must be a JDBC URL starting with jdbc:sqlite: or jdbc:postgresql:,"
                    + " e.g. jdbc:sqlite:data/opsbot.db");
        }
        var config = reader.plain("OPSBOT_CONFIG").map(Path::of).orElse(DEFAULT_CONFIG_FILE);
        var runbooks = reader.plain("OPSBOT_RUNBOOKS").map(Path::of).or(server::runbooks).orElse(DEFAULT_RUNBOOKS_DIR);
        var templates = reader.plain("OPSBOT_TEMPLATES").map(Path::of).or(server::templates)
                .orElse(DEFAULT_TEMPLATES_DIR);
        var webhookTokens = webhook.map(w -> Arrays.stream(w.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());
        var heartbeatTokens = heartbeat.map(w -> Arrays.stream(w.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());

        var execAllow = reader.plain("OPSBOT_EXEC_ALLOW")
                .map(w -> Arrays.stream(w.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());

        var defaults = HttpLimits.DEFAULT;
        var headerTimeout = reader.duration("OPSBOT_HTTP_HEADER_TIMEOUT", defaults.headerTimeout());
        var bodyTimeout = reader.duration("OPSBOT_HTTP_BODY_TIMEOUT", defaults.bodyTimeout());
        var idleTimeout = reader.duration("OPSBOT_HTTP_IDLE_TIMEOUT", defaults.idleTimeout());
        var maxConnections = reader.plain("OPSBOT_HTTP_MAX_CONNECTIONS").map(n -> maxConnections(n, reader))
                .orElse(defaults.maxConnections());

        var publicUrl = reader.plain("OPSBOT_PUBLIC_URL").flatMap(url -> publicUrl(url, reader));
        var overrideMax = reader.duration("OPSBOT_OVERRIDE_MAX", DEFAULT_OVERRIDE_MAX);

        return new Settings(botToken, signingSecret, appToken, apiUrl, port, database, config, runbooks, templates,
                webhookTokens, teamId, execAllow, new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, maxConnections),
                heartbeatTokens, publicUrl, overrideMax);
    }

    /**
     * {@code OPSBOT_CONFIG} alone, for checking opsbot.yaml even when other variables are
     * unusable, so that validate reports both at once.
     */
    public static Path configFile(Map<String, String> env) {
        return new Reader(env).plain("OPSBOT_CONFIG").map(Path::of).orElse(DEFAULT_CONFIG_FILE);
    }

    private static String apiUrl(String url, Reader reader) {
        try {
            var uri = new URI(url);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return url.endsWith("/") ? url : url + "/";
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        reader.problem("SLACK_API_URL '" + url + "' is not an http(s) URL; the default is " + DEFAULT_SLACK_API_URL);
        return DEFAULT_SLACK_API_URL;
    }

    /** An http(s) URL without query or fragment, kept without its trailing '/'. */
    private static Optional<String> publicUrl(String url, Reader reader) {
        try {
            var uri = new URI(url);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return Optional.of(url.replaceAll("/+$", ""));
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        reader.problem("OPSBOT_PUBLIC_URL '" + url + "' is not an http(s) URL; write the address people reach"
                + " opsbot at, e.g. https://opsbot.example.com");
        return Optional.empty();
    }

    private static int port(String text, Reader reader) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        reader.problem("OPSBOT_PORT '" + text + "' is not a port number; use a number from 1 to 65535"
                + " (0 picks a free port), default " + DEFAULT_PORT);
        return DEFAULT_PORT;
    }

    private static int maxConnections(String text, Reader reader) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        reader.problem("OPSBOT_HTTP_MAX_CONNECTIONS '" + text + "' is not a positive number of connections; default "
                + HttpLimits.DEFAULT.maxConnections());
        return HttpLimits.DEFAULT.maxConnections();
    }

    /** Secrets are shown as set or not, and database passwords masked, so logging this is safe. */
    @Override
    public String toString() {
        Function<Optional<String>, String> secret = s -> s.isPresent() ? "(set)" : "(not set)";
        return "Settings[slackBotToken=" + secret.apply(slackBotToken)
                + ", slackSigningSecret=" + secret.apply(slackSigningSecret)
                + ", slackAppToken=" + secret.apply(slackAppToken)
                + ", slackTeamId=" + slackTeamId.orElse("(from auth.test)")
                + ", slackApiUrl=" + slackApiUrl
                + ", port=" + port
                + ", databaseUrl=" + maskDatabaseUrl(databaseUrl)
                + ", configFile=" + configFile
                + ", runbooksDir=" + runbooksDir
                + ", templatesDir=" + templatesDir
                + ", webhookTokens=" + webhookTokens.size() + " set"
                + ", heartbeatTokens=" + heartbeatTokens.size() + " set"
                + ", execAllow=" + execAllow
                + ", http=" + http
                + ", publicUrl=" + publicUrl.orElse("(not set)")
                + ", overrideMax=" + Durations.format(overrideMax) + "]";
    }

    /** {@code jdbc:postgresql://u:pw@h/db?password=pw} → with both passwords replaced by ***. */
    public static String maskDatabaseUrl(String url) {
        return SecretMasker.of().mask(url);
    }

    /** Reads variables, treating blank as unset (docker-compose's {@code FOO=}), and collects problems. */
    private static final class Reader {
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();
        private final Set<String> asked = new LinkedHashSet<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        void problem(String message) {
            problems.add(message);
        }

        Optional<String> plain(String name) {
            asked.add(name);
            return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
        }

        /** A duration such as {@code 10s} or {@code 2m} ({@link Durations}), at least one second. */
        Duration duration(String name, Duration otherwise) {
            var text = plain(name);
            if (text.isEmpty()) {
                return otherwise;
            }
            try {
                var d = Durations.parse(text.get());
                if (d.toSeconds() >= 1) {
                    return d;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problem(name + " '" + text.get() + "' is not a duration of at least a second: write e.g. 10s or 2m;"
                    + " default " + Durations.format(otherwise));
            return otherwise;
        }

        /** {@code NAME}, or the trimmed content of the file named by {@code NAME_FILE}. */
        Optional<String> secret(String name) {
            var direct = plain(name);
            var file = plain(name + "_FILE");
            if (direct.isPresent() && file.isPresent()) {
                problem("both " + name + " and " + name + "_FILE are set; set only one of them");
                return Optional.empty();
            }
            if (file.isEmpty()) {
                return direct;
            }
            try {
                var value = Files.readString(Path.of(file.get())).strip();
                if (value.isEmpty()) {
                    problem(name + "_FILE names an empty file: " + file.get());
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (IOException | RuntimeException e) {
                // The exception's own message is not used: for a file that is not UTF-8 it could
                // describe the content.
                problem(name + "_FILE names a file that cannot be read: " + file.get() + " ("
                        + e.getClass().getSimpleName() + ")");
                return Optional.empty();
            }
        }
    }
}
