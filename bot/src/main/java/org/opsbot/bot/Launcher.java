package org.opsbot.bot;

import org.opsbot.bot.http.PortInUseException;
import org.opsbot.bot.logging.KnownSecrets;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.JdbcUrls;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/** {@code opsbot serve}: starts the bot, says how to use it, and runs until the process is stopped. */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger("opsbot");
    private static final Pattern SLACK_USER = Pattern.compile("[UW][A-Z0-9]{2,}");

    private Launcher() {
    }

    /**
     * Runs the bot until the JVM is asked to stop (Ctrl-C, SIGTERM); returns the exit code.
     *
     * @param configSource where the configuration came from (a path, or
     *                     {@link ConfigLoader#BUNDLED_EXAMPLE}), for the banner
     */
    public static int serve(Settings settings, OpsbotConfig config, RunbookCatalog runbooks, String configSource) {
        // In production Main's environment is this one (the pager webhooks read it too).
        KnownSecrets.learn(settings, config, System.getenv());
        Bot bot;
        try {
            bot = Bot.start(settings, config, runbooks, Clock.systemUTC());
        } catch (RuntimeException e) {
            // One line that says what failed and what to do; never a stack trace, never "ready".
            LOG.error(whyNotStarting(settings, e));
            LOG.debug("The start failed with", e);
            return 1;
        }
        reloadOnHangUp(bot);
        if (bot.database().dialect() == Dialect.SQLITE) {
            SharedSqlite.watch(bot.database(), settings.databaseUrl());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping opsbot");
            bot.close();
            stopped.countDown();
        }, "opsbot-shutdown"));
        LOG.info(banner(settings, config, configSource, bot.port()));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * {@code kill -HUP}: opsbot.yaml and the runbooks are read again, as Prometheus and
     * Alertmanager do (and every replica is asked to). sun.misc.Signal is the JDK's only way;
     * where it is missing (another JVM, {@code -Xrs}), {@code opsbot reload} still works.
     */
    static void reloadOnHangUp(Bot bot) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    bot.reloadOnSignal();
                } catch (RuntimeException e) {
                    LOG.error("Reload on SIGHUP failed; the configuration in force stays: {}", e.toString());
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.warn("SIGHUP cannot be handled in this JVM ({}); reload with 'opsbot reload'", e.toString());
        }
    }

    /** The line an operator reads when a part of the bot cannot start. */
    static String whyNotStarting(Settings settings, RuntimeException e) {
        if (e instanceof PortInUseException p) {
            return "Not starting: port " + p.port() + " is already in use by another program (another opsbot?)."
                    + " Stop it, or choose another port with OPSBOT_PORT, e.g. OPSBOT_PORT=" + (p.port() == 65535 ? 8081 : p.port() + 1);
        }
        if (e instanceof StoreException) {
            return "Not starting: " + e.getMessage() + ". Check OPSBOT_DB (" + JdbcUrls.masked(settings.databaseUrl()) + ").";
        }
        String what = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return "Not starting: " + what;
    }

    static String banner(Settings settings, OpsbotConfig config, String configSource, int port) {
        long startedIn = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        String base = "http://localhost:" + port;
        StringBuilder b = new StringBuilder();
        b.append("opsbot is ready on ").append(base).append(" (started in ")
                .append(String.format("%.1f", startedIn / 1000.0)).append(" s)\n");
        b.append("  configuration  ").append(configSource.equals(ConfigLoader.BUNDLED_EXAMPLE)
                ? "the bundled example (made-up people; cp opsbot.example.yaml opsbot.yaml to make your own)"
                : configSource).append(" — ").append(config.summary()).append('\n');
        b.append("  database       ").append(JdbcUrls.masked(settings.databaseUrl())).append('\n');
        if (settings.dryRun()) {
            b.append("  Slack          DRY-RUN: no SLACK_BOT_TOKEN, so every message the bot would post is written\n")
                    .append("                 to this log instead, as a person would read it in Slack\n");
        } else {
            b.append("  Slack          posting with the bot token through ").append(settings.slackApiUrl()).append('\n');
        }
        if (settings.socketMode()) {
            b.append("  Socket Mode    Slack's requests arrive over a WebSocket the bot opens (SLACK_APP_TOKEN);\n")
                    .append("                 no Request URL is needed. The link's state is in /health/ready\n");
            b.append("  /slack/events  not served (404): Socket Mode\n");
        } else if (settings.slackSigningSecret().isEmpty()) {
            b.append("  /slack/events  answers 401 to everything: SLACK_SIGNING_SECRET is not set\n");
        } else {
            b.append("  /slack/events  accepts requests signed with SLACK_SIGNING_SECRET\n");
        }
        b.append("\nTry:\n");
        b.append("  curl -s ").append(base).append("/health/ready\n");
        boolean tryOps = !settings.socketMode() && settings.slackSigningSecret().isPresent();
        if (settings.socketMode()) {
            b.append("  /ops help in Slack      (over Socket Mode; bin/try-ops needs the Request URL, which is not served)\n");
        } else if (tryOps) {
            b.append("  bin/try-ops help        (a signed /ops help, as Slack sends it; needs the same SLACK_SIGNING_SECRET)\n");
        } else {
            b.append("  restart with SLACK_SIGNING_SECRET=<any value>, then bin/try-ops help   (a signed /ops help, as Slack sends it)\n");
        }
        String sampleAlert = "curl -H \"Authorization: Bearer $OPSBOT_WEBHOOK_TOKEN\" --data @examples/alertmanager-sample.json "
                + base + "/alerts/alertmanager";
        if (settings.webhookTokens().isEmpty()) {
            b.append("  restart with OPSBOT_WEBHOOK_TOKEN=<any value>, then ").append(sampleAlert)
                    .append("   (a sample alert group)\n");
        } else {
            b.append("  ").append(sampleAlert).append("   (a sample alert group)\n");
        }
        if (tryOps) {
            // bin/try-ops acts as a made-up user with no role, who may not ack, run or audit.
            responder(config).ifPresent(r -> b.append("  TRY_OPS_USER=").append(r.user())
                    .append(" bin/try-ops ack 1   (acknowledges the sample alert group as ").append(r.user())
                    .append(", of role '").append(r.role())
                    .append("' here; without TRY_OPS_USER, bin/try-ops acts as a user with no role)\n"));
            b.append("  bin/try-ops check opsbot   (runbooks/opsbot.yaml: the bot's own health, as /ops check runs it;"
                    + " the report it would post appears in this log)\n");
        }
        b.append("  bin/opsbot check local     (runbooks/local.yaml in a terminal: disk, database, configuration)\n");
        if (settings.dryRun()) {
            b.append("  to connect a real workspace: create the Slack app from slack-app-manifest.yaml (see README)\n");
        }
        return b.toString().stripTrailing();
    }

    /** Someone {@code bin/try-ops} can act as who may act on alerts: a named member of a team's responders role. */
    record Responder(String user, String role) {
    }

    static Optional<Responder> responder(OpsbotConfig config) {
        for (Team team : config.teams().values()) {
            if (team.responders().isEmpty()) {
                continue;
            }
            String role = team.responders().get();
            for (String member : config.roles().getOrDefault(role, List.of())) {
                if (SLACK_USER.matcher(member).matches()) {
                    return Optional.of(new Responder(member, role));
                }
            }
        }
        return Optional.empty();
    }
}
