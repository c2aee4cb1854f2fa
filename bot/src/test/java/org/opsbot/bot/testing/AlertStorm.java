package org.opsbot.bot.testing;

import org.opsbot.bot.Bot;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An alert storm through the real door: the bot started as production starts it, with
 * {@link RateLimitedSlack} as Slack (optionally behind a {@link ClosingEdge}), and Alertmanager
 * webhooks that each open a new group. The groups go round-robin to {@code channels} team
 * channels ({@code #storm-0}, …); with escalation, each group pages its on-call person
 * ({@link #ON_CALL}, a direct message) and says so in the group's thread (its next tier is an
 * hour away).
 */
public final class AlertStorm implements AutoCloseable {
    public static final String ON_CALL = "U0ONCALL01";
    private static final String SECRET = "storm-signing-secret";
    private static final String TOKEN = "storm-webhook-token";
    private static final Pattern GROUP = Pattern.compile("Storm(\\d{4})x");

    public final RateLimitedSlack slack;
    private final ClosingEdge edge;
    private final Bot bot;
    private final Path runbooks;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int channels;

    /**
     * @param edge how Slack's edge closes connections; empty: Slack keeps them alive
     */
    public AlertStorm(String databaseUrl, int channels, boolean escalation, Optional<ClosingEdge.Style> edge) {
        this.channels = channels;
        // The team channels exist in the workspace, so that a look-up finds them by name.
        this.slack = new RateLimitedSlack().channels(java.util.stream.IntStream.range(0, channels)
                .mapToObj(t -> "#storm-" + t).toArray(String[]::new));
        this.edge = edge.map(style -> new ClosingEdge(slack, style)).orElse(null);
        try {
            runbooks = Files.createTempDirectory("opsbot-storm-runbooks");
            Settings settings = new Settings(Optional.of("xoxb-storm"), Optional.of(SECRET), Optional.empty(),
                    this.edge == null ? slack.apiUrl() : this.edge.apiUrl(), 0, databaseUrl, Path.of("opsbot.yaml"), runbooks,
                    Path.of("templates"), List.of(TOKEN), Optional.of("T0E2E00001"));
            bot = Bot.start(settings, config(channels, escalation), Clock.systemUTC());
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot start the storm's bot", e);
        }
    }

    /**
     * Sends one webhook per group for groups {@code first..first+count-1}, 8 at a time, as
     * Alertmanager does when many groups fire at once; every one must be accepted.
     */
    public void send(int first, int count) throws Exception {
        URI uri = URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager");
        try (ExecutorService senders = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int g = first; g < first + count; g++) {
                String body = webhook(g);
                answers.add(senders.submit(() -> http.send(HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
            }
            for (Future<Integer> answer : answers) {
                if (answer.get() != 200) {
                    throw new IllegalStateException("a storm webhook was answered " + answer.get());
                }
            }
        }
    }

    /** The group a post is about (its number), or -1 for a post that names no group. */
    public static int groupOf(RateLimitedSlack.Call post) {
        Matcher m = GROUP.matcher(String.valueOf(post.get("text")));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** How many top-level posts Slack accepted per group: each group's parent message. */
    public Map<Integer, Long> parentsPerGroup() {
        return slack.channelPosts().stream().filter(c -> !c.isReply()).filter(c -> groupOf(c) >= 0)
                .collect(Collectors.groupingBy(AlertStorm::groupOf, LinkedHashMap::new, Collectors.counting()));
    }

    /** How many times Slack accepted each outbox message (by the outbox id in its metadata). */
    public Map<String, Long> postsPerOutboxMessage() {
        return slack.calls("chat.postMessage").stream().map(c -> String.valueOf(c.get("metadata")))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /**
     * How many Slack calls the bot's outbox still has to make (those being sent and those waiting
     * for a retry count too): at 0, nothing the storm queued can reach Slack any more.
     */
    public long pendingInOutbox() {
        return new org.opsbot.commands.store.OutboxStore(bot.database(), Clock.systemUTC()).depth().pending();
    }

    /** Slack's edge, when there is one in front of it. */
    public Optional<ClosingEdge> edge() {
        return Optional.ofNullable(edge);
    }

    public int channels() {
        return channels;
    }

    private static OpsbotConfig config(int channels, boolean escalation) {
        StringBuilder yaml = new StringBuilder("""
                slack:
                  default-channel: "#storm-0"
                roles:
                  responders: [%s]
                severities:
                  - {name: P1, description: "Outage", ack-within: 5m}
                  - {name: P2, description: "Degraded", ack-within: 1h}
                teams:
                """.formatted(ON_CALL));
        for (int t = 0; t < channels; t++) {
            yaml.append("  storm-%d:\n    channel: \"#storm-%d\"\n    responders: responders\n".formatted(t, t))
                    .append("    severity-map: {critical: P1, warning: P2}\n");
            if (escalation) {
                // A second tier an hour on, so that the walk goes on (and says nothing more) for the test's length.
                yaml.append("    escalation:\n      tiers:\n        - {name: On-call engineer, notify: [%s]}\n".formatted(ON_CALL))
                        .append("        - {name: Team lead, after: 60m, notify: [U0LEAD0001]}\n");
            }
        }
        yaml.append("routes:\n");
        for (int t = 0; t < channels; t++) {
            yaml.append("  - {match: {team: storm-%d}, team: storm-%d}\n".formatted(t, t));
        }
        yaml.append("  - {team: storm-0}\n");
        return ConfigParser.parse(yaml.toString(), "storm-opsbot.yaml").require();
    }

    /** One new group of three critical alerts, in team channel {@code group % channels}. */
    private String webhook(int group) {
        String name = "Storm%04dx".formatted(group);
        String team = "storm-" + (group % channels);
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"%1$s","team":"%2$s","severity":"critical","instance":"host-%3$d:9100"},
                     "annotations":{"summary":"%1$s on host-%3$d"},
                     "startsAt":"2026-11-22T03:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                     "generatorURL":"http://prometheus:9090/graph","fingerprint":"s%4$04d%3$02d"}"""
                    .formatted(name, team, i, group));
        }
        return """
                {"receiver":"opsbot","status":"firing","alerts":[%s],"groupLabels":{"alertname":"%s"},
                 "commonLabels":{"alertname":"%s","team":"%s"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"%s\\"}","truncatedAlerts":0}""".formatted(alerts, name, name, team, name);
    }

    @Override
    public void close() {
        if (bot != null) {
            bot.close();
        }
        if (edge != null) {
            edge.close();
        }
        slack.close();
        if (runbooks != null) {
            try {
                Files.deleteIfExists(runbooks);
            } catch (IOException ignored) {
                // a temp folder
            }
        }
    }
}
