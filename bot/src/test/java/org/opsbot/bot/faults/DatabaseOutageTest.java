package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.bot.slack.ops.DatabaseDown;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.TcpProxy;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.store.TestDatabases;

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database goes away under a running bot: SQLite locked by another process's write
 * transaction for longer than the bot waits for it, PostgreSQL unreachable (a proxy between the
 * bot and the server resets every connection and refuses new ones). While it lasts, webhooks
 * get a quick 503 with {@code Retry-After}, Slack commands and clicks a quick answer that
 * nothing was done, readiness goes down and liveness stays up; nothing is half done. After it,
 * the retried webhook is taken once and posted once, and commands work.
 */
class DatabaseOutageTest {
    // Slack gives up on a request after 3 s; Alertmanager's default timeout is 10 s.
    private static final Duration QUICK = Duration.ofMillis(2_800);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = "U0ALICE001";
    private static final String MENTION_TS = "1700000100.000100";
    private static final String MENTION = SlackPayloads.appMention(FaultScenario.TEAM, "Ev0FAULTS01", ALICE, "C0STORAGE1", MENTION_TS);
    private static final Pattern ACK_BUTTON = Pattern.compile("\"alert\\.ack\".{0,300}?\"value\":\"(\\d+)\"");

    @TempDir
    Path runbooks;

    private FaultScenario scenario;
    private Fault fault;
    private HttpServer storageApi;
    private final AtomicInteger restarts = new AtomicInteger();

    /** A way for the database to go away, and come back. */
    private interface Fault extends AutoCloseable {
        String databaseUrl();

        void begin() throws Exception;

        void end() throws Exception;

        @Override
        default void close() throws Exception {
            end();
        }
    }

    /** Another connection holds SQLite's write lock: BEGIN IMMEDIATE, and nothing more. */
    private static final class SqliteLocked implements Fault {
        private final String url = TestDatabases.sqliteUrl();
        private Connection locker;

        @Override
        public String databaseUrl() {
            return url;
        }

        @Override
        public void begin() throws Exception {
            locker = DriverManager.getConnection(url);
            try (Statement s = locker.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        }

        @Override
        public void end() throws Exception {
            if (locker != null) {
                try (Statement s = locker.createStatement()) {
                    s.execute("ROLLBACK");
                }
                locker.close();
                locker = null;
            }
        }
    }

    /** PostgreSQL behind a proxy that is cut: open connections reset, new ones refused. */
    private static final class PostgresUnreachable implements Fault {
        private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+)(\\?.*)?");
        private final String schema = "faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        private final TcpProxy proxy;
        private final String url;

        PostgresUnreachable() throws Exception {
            Matcher m = URL.matcher(TestDatabases.POSTGRES_URL);
            if (!m.matches()) {
                throw new IllegalStateException("cannot read host and port from OPSBOT_TEST_POSTGRES_URL");
            }
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
            String query = m.group(4) == null ? "?" : m.group(4) + "&";
            url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3) + query + "currentSchema=" + schema;
        }

        @Override
        public String databaseUrl() {
            return url;
        }

        @Override
        public void begin() {
            proxy.cut();
        }

        @Override
        public void end() {
            proxy.restore();
        }

        @Override
        public void close() throws Exception {
            proxy.close();
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    /** A runbook with a low-risk action (it needs nobody's approval) against a server that counts its calls. */
    private void runbookWithAnAction() throws Exception {
        storageApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storageApi.createContext("/volumes/", exchange -> {
            restarts.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        storageApi.start();
        Files.writeString(runbooks.resolve("storage.yaml"), """
                name: storage
                title: Storage
                team: storage
                actions:
                  remount:
                    title: Remount a volume
                    params:
                      volume: {pattern: "[a-z0-9-]{1,32}"}
                    http: {method: POST, url: "http://127.0.0.1:%d/volumes/{{volume}}/remount"}
                    risk: low
                """.formatted(storageApi.getAddress().getPort()));
    }

    @AfterEach
    void stop() throws Exception {
        if (storageApi != null) {
            storageApi.stop(0);
        }
        if (fault != null) {
            fault.end();
        }
        if (scenario != null) {
            scenario.close();
        }
        if (fault != null) {
            fault.close();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void whileTheDatabaseIsAwayRequestsFailQuicklyAndCleanlyAndAfterItEverythingWorks(Dialect dialect) throws Exception {
        fault = dialect == Dialect.SQLITE ? new SqliteLocked() : new PostgresUnreachable();
        runbookWithAnAction();
        scenario = new FaultScenario(fault.databaseUrl(), runbooks);
        RateLimitedSlack slack = scenario.slack;

        // One alert group; the database goes away the moment Slack accepts its message, before
        // the bot can record that it was sent.
        slack.onNextPost(() -> {
            try {
                fault.begin();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(scenario.alertmanager(FaultScenario.notification("storage", "DiskFull", 1, 2)).statusCode()).isEqualTo(200);
        Eventually.await("the first group posted", WAIT, () -> slack.channelPosts().size() == 1);
        Matcher button = ACK_BUTTON.matcher(slack.channelPosts().getFirst().get("attachments"));
        assertThat(button.find()).isTrue();
        long group = Long.parseLong(button.group(1));
        String newGroup = FaultScenario.notification("network", "LatencyHigh", 1, 3);

        // Alertmanager: 503 with Retry-After, quickly, for every webhook, also several at once.
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Timed>> webhooks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                webhooks.add(senders.submit(() -> timed(() -> scenario.alertmanager(newGroup))));
            }
            for (Future<Timed> w : webhooks) {
                Timed t = w.get();
                assertThat(t.response().statusCode()).as("a webhook while the database is away").isEqualTo(503);
                assertThat(t.response().headers().firstValue("Retry-After")).hasValue("10");
                assertThat(t.response().body()).contains("cannot store anything right now", "send it again later");
                assertThat(t.took()).as("answered quickly").isLessThan(QUICK);
            }
        }
        HttpResponse<String> ready = scenario.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(FaultScenario.json(ready).at("/checks/database/status").asText()).isEqualTo("DOWN");
        assertThat(scenario.get("/health/live").statusCode()).isEqualTo(200);

        // A slash command that would change something: answered in time, nothing done.
        Timed ack = timed(() -> scenario.slash(ALICE, "ack " + group));
        assertThat(ack.response().statusCode()).isEqualTo(200);
        assertThat(ack.response().body()).contains("cannot store anything right now", "nothing was done", "try again");
        assertThat(ack.took()).isLessThan(QUICK);

        // A button click: acked at once; the answer comes straight from Slack's Web API, as the
        // outbox cannot store it.
        long clicked = System.nanoTime();
        Timed click = timed(() -> scenario.click(ALICE, "alert.ack", Long.toString(group)));
        assertThat(click.response().statusCode()).isEqualTo(200);
        assertThat(click.took()).isLessThan(QUICK);
        Eventually.await("the click is answered", WAIT, () -> !slack.calls("chat.postEphemeral").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - clicked)).as("the click's answer arrives in time").isLessThan(QUICK);
        RateLimitedSlack.Call answer = slack.calls("chat.postEphemeral").getFirst();
        assertThat(answer.get("user")).isEqualTo(ALICE);
        assertThat(answer.get("text")).isEqualTo(DatabaseDown.ANSWER);

        // An action that needs nobody's approval: not started, and its requester is told, in the
        // command's answer (its signature cannot be recorded, so it is not let in at all).
        Timed run = timed(() -> scenario.slash(ALICE, "run storage/remount volume=data-7 the mount is stale"));
        assertThat(run.response().statusCode()).isEqualTo(200);
        assertThat(run.response().body()).contains("cannot store anything right now", "nothing was done", "try again");
        assertThat(run.took()).isLessThan(QUICK);

        // A mention (Events API): a 5xx, so Slack delivers it again later.
        assertThat(scenario.event(MENTION).statusCode()).isEqualTo(503);

        fault.end();

        Eventually.await("ready again", WAIT, () -> status("/health/ready") == 200);
        // Nothing half done: no group without its alerts, no acknowledgement, nothing posted.
        List<StoredAlertGroup> groups = scenario.groups();
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.id()).isEqualTo(group);
            assertThat(g.state()).isEqualTo(StoredAlertGroup.State.FIRING);
        });
        assertThat(slack.channelPosts()).hasSize(1);
        assertThat(restarts).as("no action ran").hasValue(0);

        // Alertmanager's retry is taken once and posted once; commands work again.
        HttpResponse<String> retried = scenario.alertmanager(newGroup);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).contains("\"accepted\":3");
        assertThat(scenario.alertmanager(newGroup).statusCode()).as("Alertmanager repeating itself").isEqualTo(200);
        assertThat(scenario.storedAlerts()).isEqualTo(2 + 3);
        Eventually.await("the new group posted", WAIT, () -> slack.channelPosts().size() == 2);
        assertThat(scenario.slash(ALICE, "ack " + group).body()).contains("Acknowledged #" + group);
        // In the first group's thread: so its message, sent while the database was away, is known
        // as sent (else the reply would wait minutes for the outbox's claim on it to run out).
        Eventually.await("the acknowledgement told in the thread", WAIT,
                () -> slack.channelPosts().stream().anyMatch(p -> p.isReply() && p.get("text").contains("acknowledged")));
        assertThat(scenario.event(MENTION).statusCode()).as("Slack's redelivery of the mention").isEqualTo(200);
        Eventually.await("the mention answered", WAIT, () -> slack.channelPosts().stream().anyMatch(this::mentionAnswer));
        assertThat(scenario.slash(ALICE, "run storage/remount volume=data-7 the mount is stale").statusCode()).isEqualTo(200);
        Eventually.await("the action ran", WAIT, () -> restarts.get() == 1);
        Eventually.await("the action's message posted", WAIT,
                () -> slack.calls("chat.postMessage").stream().anyMatch(p -> String.valueOf(p.get("text")).contains("Remount")));
        // Until the outbox has nothing left to send or to finish: anything posted twice would be by then.
        Eventually.await("the outbox to have nothing left to send", WAIT,
                () -> new OutboxStore(scenario.bot.database(), Clock.systemUTC()).depth().pending() == 0);
        assertThat(restarts).hasValue(1);
        assertThat(slack.channelPosts().stream().filter(this::mentionAnswer)).hasSize(1);
        assertThat(slack.channelPosts().stream().filter(p -> !String.valueOf(p.get("text")).contains("Remount"))
                .filter(p -> !mentionAnswer(p))).hasSize(3);
        assertThat(slack.channelPosts().stream().filter(p -> !p.isReply()).map(p -> p.get("attachments")))
                .anySatisfy(a -> assertThat(a).contains("LatencyHigh"))
                .anySatisfy(a -> assertThat(a).contains("DiskFull"));
    }

    private boolean mentionAnswer(RateLimitedSlack.Call post) {
        return MENTION_TS.equals(post.get("thread_ts"));
    }

    private record Timed(HttpResponse<String> response, Duration took) {
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static Timed timed(Request request) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = request.send();
        return new Timed(response, Duration.ofNanos(System.nanoTime() - started));
    }

    private int status(String path) {
        try {
            return scenario.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
