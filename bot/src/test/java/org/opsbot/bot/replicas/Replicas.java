package org.opsbot.bot.replicas;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * What the replica tests share: a fresh PostgreSQL schema, one Slack ({@link SharedSlack}), one
 * system the runbook's checks and actions call (WireMock, counting every call), an opsbot.yaml
 * and a runbook with short waits, and any number of real bot processes started on them. Skips
 * without {@code OPSBOT_TEST_POSTGRES_URL}, unless {@code OPSBOT_TEST_REQUIRE_POSTGRES=true}.
 */
final class Replicas implements AutoCloseable {
    static final String SECRET = "replicas-signing-secret";
    static final String WEBHOOK_TOKEN = "replicas-webhook-token";
    static final String ALICE = "U0ALICE001";
    static final String LEAD1 = "U0LEAD0001";
    static final String LEAD2 = "U0LEAD0002";
    static final String FIRST = "U0FIRST001";
    static final String SECOND = "U0SECOND01";
    static final String THIRD = "U0THIRD001";
    static final Duration READY = Duration.ofSeconds(60);

    final SharedSlack slack = new SharedSlack();
    final WireMockServer target = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    final Database db;
    final SlackSigner signer = new SlackSigner(SECRET);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String schema;
    private final String databaseUrl;
    private final Path dir;
    private final List<BotProcess> bots = new ArrayList<>();

    private Replicas(String postgresUrl, String name) {
        slack.channels("#alerts", "#web-alerts", "#slow", "#reports", "#oncall", "#intake-0", "#intake-1", "#intake-2", "#intake-3");
        target.start();
        target.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200).withBody("{\"up\":true}")));
        target.stubFor(post(urlPathEqualTo("/restart")).willReturn(aResponse().withStatus(204)));
        // Long enough to kill the replica in the middle of it.
        target.stubFor(post(urlPathEqualTo("/slow-restart")).willReturn(aResponse().withStatus(204).withFixedDelay(90_000)));
        schema = "replicas_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        // The schema is created and migrated here; the bots find it through currentSchema.
        db = Database.open(postgresUrl, schema);
        databaseUrl = postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            dir = Files.createDirectories(Path.of("target", "replicas", name).toAbsolutePath());
            Files.writeString(dir.resolve("opsbot.yaml"), CONFIG);
            Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
            Files.writeString(runbooks.resolve("web.yaml"), RUNBOOK.formatted(target.baseUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty schema on the test PostgreSQL server; skips (or fails in CI) without one. */
    static Replicas onPostgres(String name) {
        String url = TestDatabases.POSTGRES_URL;
        if (url == null || url.isBlank()) {
            if (Boolean.parseBoolean(System.getenv("OPSBOT_TEST_REQUIRE_POSTGRES"))) {
                Assertions.fail("OPSBOT_TEST_REQUIRE_POSTGRES is set but OPSBOT_TEST_POSTGRES_URL is not");
            }
            Assumptions.abort("replicas need PostgreSQL: set OPSBOT_TEST_POSTGRES_URL");
        }
        return new Replicas(url, name);
    }

    /** Starts {@code names.length} bots at once and waits until every one is ready. */
    List<BotProcess> start(String... names) {
        List<BotProcess> started = new ArrayList<>();
        for (String name : names) {
            started.add(launch(name));
        }
        started.forEach(b -> b.awaitReady(READY));
        return started;
    }

    /**
     * Starts one bot and returns at once, so that a test can go on while it starts (a JVM takes
     * seconds); {@link BotProcess#awaitReady} with {@link #READY} before sending it anything.
     */
    BotProcess launch(String name) {
        BotProcess bot = BotProcess.start(name, Map.of(
                "SLACK_BOT_TOKEN", "xoxb-replicas",
                "SLACK_SIGNING_SECRET", SECRET,
                "SLACK_API_URL", slack.apiUrl(),
                "SLACK_TEAM_ID", SharedSlack.TEAM,
                "OPSBOT_DB", databaseUrl,
                "OPSBOT_CONFIG", dir.resolve("opsbot.yaml").toString(),
                "OPSBOT_RUNBOOKS", dir.resolve("runbooks").toString(),
                "OPSBOT_TEMPLATES", Path.of("..", "templates").toAbsolutePath().normalize().toString(),
                "OPSBOT_WEBHOOK_TOKEN", WEBHOOK_TOKEN));
        bots.add(bot);
        return bot;
    }

    /** Stops {@code bots} (SIGTERM) all at once, and waits until every one has ended. */
    static void stop(List<BotProcess> bots) {
        try (var stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            bots.forEach(bot -> stopping.submit(bot::stop));
        }
    }

    /** The bot whose process holds lease {@code name} now. */
    String leaseHolder(String name) {
        return db.read(h -> h.createQuery("SELECT holder FROM lease WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne().orElse("nobody"));
    }

    /** Whether {@code bot} holds lease {@code name} (lease holders are named {@code pid@host/…}). */
    boolean holds(BotProcess bot, String name) {
        return leaseHolder(name).startsWith(bot.pid() + "@");
    }

    // ---- what the outside world sends ------------------------------------------------------

    /** An Alertmanager notification for one alert of {@code team}, firing. */
    static String alertmanager(String team, String alertname, String instance) {
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"%1$s\\"}","truncatedAlerts":0,"status":"firing",
                 "receiver":"opsbot","groupLabels":{"alertname":"%1$s"},
                 "commonLabels":{"alertname":"%1$s","severity":"critical","team":"%4$s"},
                 "commonAnnotations":{"summary":"%1$s is failing"},"externalURL":"http://alertmanager:9093",
                 "alerts":[{"status":"firing","labels":{"alertname":"%1$s","instance":"%2$s","severity":"critical","team":"%4$s"},
                   "annotations":{"summary":"%1$s on %2$s"},"startsAt":"2026-11-22T10:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph",
                   "fingerprint":"%3$s"}]}""".formatted(alertname, instance, Integer.toHexString((alertname + instance).hashCode()),
                team);
    }

    HttpResponse<String> webhook(BotProcess bot, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(bot.uri("/alerts/alertmanager"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + WEBHOOK_TOKEN)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> slash(BotProcess bot, String user, String text) throws IOException, InterruptedException {
        return signed(bot, SlackPayloads.slashCommand(SharedSlack.TEAM, user, text));
    }

    HttpResponse<String> click(BotProcess bot, String user, String channel, String messageTs, String actionId, String value)
            throws IOException, InterruptedException {
        return signed(bot, SlackPayloads.blockActions(SharedSlack.TEAM, user, "someone", channel, messageTs, actionId, value, false));
    }

    private HttpResponse<String> signed(BotProcess bot, String body) throws IOException, InterruptedException {
        return http.send(signer.post(URI.create(bot.baseUrl() + "/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends one request per item, all at the same moment (as a load balancer spreading retries,
     * or Alertmanager HA, does), and returns the answers in the items' order.
     */
    static <I, T> List<T> atOnce(List<I> items, Send<I, T> send) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (I item : items) {
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return send.to(item);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, Executors.newVirtualThreadPerTaskExecutor()));
        }
        go.countDown();
        return all.stream().map(CompletableFuture::join).toList();
    }

    @FunctionalInterface
    interface Send<I, T> {
        T to(I item) throws IOException, InterruptedException;
    }

    /** The single number {@code sql} (a SELECT COUNT(*) …) answers in the bots' database. */
    long count(String sql) {
        Long n = db.read(h -> h.createQuery(sql).mapTo(Long.class).one());
        if (n == null) {
            throw new AssertionError("no value for " + sql + "\n" + state());
        }
        return n;
    }

    /**
     * Waits like {@link Eventually#await}; on a timeout the error also shows what the database
     * holds (leases, unsent outbox calls, escalation walks, action runs), to tell slow from lost.
     */
    void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        try {
            Eventually.await(what, timeout, condition);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "\n" + state(), timedOut);
        }
    }

    String state() {
        return db.read(h -> String.join("\n",
                "leases: " + h.createQuery("SELECT name || '=' || holder || ' until ' || expires_at FROM lease").mapTo(String.class).list(),
                "outbox not sent: " + h.createQuery("SELECT id || ' ' || kind || ' ' || channel || ' ' || status || ' attempts='"
                        + " || attempts || ' next=' || next_attempt_at || ' by=' || COALESCE(claimed_by, '-') || ' until='"
                        + " || COALESCE(CAST(claimed_until AS TEXT), '-') || ' error=' || COALESCE(last_error, '-')"
                        + " FROM outbox WHERE status <> 'SENT' ORDER BY id").mapTo(String.class).list(),
                "walks: " + h.createQuery("SELECT subject || ' ' || status || ' next_tier=' || next_tier || ' due='"
                        + " || COALESCE(CAST(due_at AS TEXT), '-') FROM escalation").mapTo(String.class).list(),
                "actions: " + h.createQuery("SELECT id || ' ' || action || ' ' || state || ' deadline=' || COALESCE(CAST(deadline_at AS TEXT), '-')"
                        + " FROM action_request").mapTo(String.class).list(),
                "now: " + System.currentTimeMillis()));
    }

    /** Outbox calls not sent yet (nor given up). */
    long outboxPending() {
        return count("SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'");
    }

    /** Waits until the outbox has sent everything it holds, however the replicas share the work. */
    void awaitOutboxEmpty(Duration timeout) {
        await("the outbox to be empty", timeout, () -> outboxPending() == 0);
    }

    /** How often Slack got each outbox message (by the outbox id in its metadata). */
    java.util.Map<Long, Long> postsPerOutboxId() {
        return slack.calls("chat.postMessage").stream().collect(java.util.stream.Collectors.groupingBy(
                SharedSlack.Call::outboxId, java.util.stream.Collectors.counting()));
    }

    /** How often the system the actions act on was called at {@code path}. */
    int targetCalls(String path) {
        return target.findAll(anyRequestedFor(urlPathEqualTo(path))).size();
    }

    @Override
    public void close() {
        stop(bots);
        slack.close();
        target.stop();
        try {
            db.write(h -> h.execute("DROP SCHEMA " + schema + " CASCADE"));
        } finally {
            db.close();
        }
    }

    // The web team escalates in seconds, so a test sees every tier; #slow is the channel a
    // test can put on hold; #reports gets the scheduled runbook's report; the intake teams do
    // not escalate and spread a storm over four channels (the outbox posts one a second to each).
    private static final String CONFIG = """
            slack:
              default-channel: "#alerts"
            roles:
              responders: [U0ALICE001, U0BOB00001]
              approvers: [U0LEAD0001, U0LEAD0002]
            teams:
              web:
                channel: "#web-alerts"
                responders: responders
                severity-map: {critical: P1}
                escalation:
                  tiers:
                    - {name: First, notify: [U0FIRST001]}
                    - {name: Second, after: 2s, notify: [U0SECOND01]}
                    - {name: Third, after: 4s, notify: [U0THIRD001]}
              slow:
                channel: "#slow"
                responders: responders
                severity-map: {critical: P1}
                escalation:
                  tiers:
                    - {name: First, notify: [U0FIRST001]}
                    - {name: Second, after: 12s, notify: [U0SECOND01]}
              intake-0: {channel: "#intake-0", responders: responders, severity-map: {critical: P1}}
              intake-1: {channel: "#intake-1", responders: responders, severity-map: {critical: P1}}
              intake-2: {channel: "#intake-2", responders: responders, severity-map: {critical: P1}}
              intake-3: {channel: "#intake-3", responders: responders, severity-map: {critical: P1}}
              oncall:
                channel: "#oncall"
                escalation:
                  tiers:
                    - {name: On call, notify: ["schedule:oncall"]}
            # Weekly, so no hand-off of its own falls into a test run; overrides make them.
            schedules:
              oncall:
                time-zone: UTC
                rotation: weekly
                start: 2026-01-05
                hand-off: "Mon 09:00"
                slack-usergroup: oncall-now
                members: [U0ONCALL01, U0ONCALL02]
            routes:
              - {match: {team: slow}, team: slow}
              - {match: {team: intake-0}, team: intake-0}
              - {match: {team: intake-1}, team: intake-1}
              - {match: {team: intake-2}, team: intake-2}
              - {match: {team: intake-3}, team: intake-3}
              - {team: web}
            permissions:
              run: [responders, approvers]
              override: [approvers]
            """;

    private static final String RUNBOOK = """
            name: web
            title: Web shop
            team: web
            schedule:
              - {cron: "* * * * *", channel: "#reports"}
            checks:
              - name: Shop health
                http: {url: "%1$s/health"}
            actions:
              restart:
                title: Restart the shop
                http: {method: POST, url: "%1$s/restart"}
                approval: {role: approvers, count: 1, within: 30m}
              slow-restart:
                title: Restart the shop slowly
                http: {method: POST, url: "%1$s/slow-restart"}
                risk: low
            """;

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
