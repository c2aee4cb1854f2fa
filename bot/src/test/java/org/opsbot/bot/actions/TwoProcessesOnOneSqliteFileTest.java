package org.opsbot.bot.actions;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.store.TestDatabases;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real {@code opsbot serve} processes on one SQLite file (not a supported set-up, but one an
 * operator can make by mistake): a process that starts leaves the other's running action alone,
 * as on PostgreSQL, because a run counts as abandoned only once the lease its process keeps
 * extending has run out; an action of a process killed mid-run is still marked interrupted, by
 * the survivors' sweeps, and never run again. (A third process is the one killed, so that both
 * halves wait out one lease together.)
 */
@ExtendWith(BotProcess.PrintLogs.class)
class TwoProcessesOnOneSqliteFileTest {
    private static final String SECRET = "sqlite-sharing-secret";
    private static final String TEAM = "T0SQLITE01";
    private static final String ALICE = "U0ALICE001";
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private final RateLimitedSlack slack = new RateLimitedSlack().channels("#storage-alerts");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final List<BotProcess> bots = new ArrayList<>();
    private final Map<String, AtomicInteger> remounts = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch storageAnswers = new CountDownLatch(1);
    private HttpServer storageApi;
    private String databaseUrl;

    @AfterEach
    void stop() {
        storageAnswers.countDown();
        bots.forEach(BotProcess::stop);
        if (storageApi != null) {
            storageApi.stop(0);
        }
        slack.close();
    }

    @Test
    void aStartingProcessLeavesTheOthersRunningActionAloneAndAKilledProcesssActionIsInterrupted() throws Exception {
        storageWhoseRemountsWaitForTheTest();
        setUp();
        // A doomed process, killed in the middle of its own run, so that both halves wait out one
        // lease; it starts once the first has migrated the file, beside the rest of its start.
        BotProcess first = launch("first");
        Eventually.await("the first has migrated the file", READY, () -> first.logged("Database schema migrated"));
        BotProcess doomed = launch("doomed");
        first.awaitReady(READY);
        run(first, "data-1");
        Eventually.await("first's action calls the storage API", WAIT, () -> remounts("data-1") == 1);

        long started = System.nanoTime();
        BotProcess second = launch("second");
        doomed.awaitReady(READY);
        run(doomed, "data-2");
        Eventually.await("the doomed process's action calls the storage API", WAIT, () -> remounts("data-2") == 1);
        assertThat(states()).containsExactly(Map.entry("data-1", "RUNNING"), Map.entry("data-2", "RUNNING"));
        doomed.kill9();
        second.awaitReady(READY);
        Eventually.await("the killed process's run is interrupted", WAIT,
                () -> states().contains(Map.entry("data-2", "INTERRUPTED")));
        // Past the run's lease: had the first stopped extending it, the second's sweep would take it.
        Duration pastTheLease = Approvals.RUN_LEASE.plus(ActionsFeature.SWEEP).plusSeconds(1);
        Thread.sleep(Math.max(0, pastTheLease.toMillis() - Duration.ofNanos(System.nanoTime() - started).toMillis()));
        assertThat(states()).as("the second process's start and sweeps left the first's run alone")
                .containsExactly(Map.entry("data-1", "RUNNING"), Map.entry("data-2", "INTERRUPTED"));

        storageAnswers.countDown();
        Eventually.await("first's action finished", WAIT, () -> states().equals(
                List.of(Map.entry("data-1", "SUCCEEDED"), Map.entry("data-2", "INTERRUPTED"))));
        assertThat(remounts("data-2")).as("an interrupted run is never run again").isEqualTo(1);
        assertThat(first.isAlive()).isTrue();
        assertThat(second.isAlive()).isTrue();
    }

    private int remounts(String volume) {
        return remounts.getOrDefault(volume, new AtomicInteger()).get();
    }

    /** A storage API that counts remounts per volume; data-1's waits for the test, the others never answer. */
    private void storageWhoseRemountsWaitForTheTest() throws Exception {
        storageApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storageApi.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        storageApi.createContext("/volumes/", exchange -> {
            String volume = exchange.getRequestURI().getPath().split("/")[2];
            remounts.computeIfAbsent(volume, v -> new AtomicInteger()).incrementAndGet();
            try {
                if (volume.equals("data-1")) {
                    storageAnswers.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } else {
                    // Never answers before its process is killed.
                    Thread.sleep(WAIT.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        storageApi.start();
    }

    private void setUp() throws Exception {
        databaseUrl = TestDatabases.sqliteUrl();
        Files.writeString(dir.resolve("opsbot.yaml"), """
                slack:
                  default-channel: "#storage-alerts"
                roles:
                  responders: [%s]
                teams:
                  storage: {channel: "#storage-alerts", responders: responders}
                routes:
                  - {team: storage}
                permissions:
                  run: [responders]
                """.formatted(ALICE));
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
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

    /** Starts {@code opsbot serve} on the shared file; returns at once. */
    private BotProcess launch(String name) {
        BotProcess bot = BotProcess.start(name, Map.of(
                "SLACK_BOT_TOKEN", "xoxb-sqlite-sharing",
                "SLACK_SIGNING_SECRET", SECRET,
                "SLACK_API_URL", slack.apiUrl(),
                "SLACK_TEAM_ID", TEAM,
                "OPSBOT_DB", databaseUrl,
                "OPSBOT_CONFIG", dir.resolve("opsbot.yaml").toString(),
                "OPSBOT_RUNBOOKS", dir.resolve("runbooks").toString(),
                "OPSBOT_TEMPLATES", Path.of("..", "templates").toAbsolutePath().normalize().toString()));
        bots.add(bot);
        return bot;
    }

    /** {@code /ops run storage/remount volume=…}: low risk, so it runs at once, in {@code bot}. */
    private void run(BotProcess bot, String volume) throws Exception {
        HttpResponse<String> response = http.send(signer.post(bot.uri("/slack/events"), SlackSigner.FORM,
                        SlackPayloads.slashCommand(TEAM, ALICE, "run storage/remount volume=" + volume + " the mount is stale")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** Each action request's volume and state, in the order they were made. */
    private List<Map.Entry<String, String>> states() {
        try (Connection c = DriverManager.getConnection(databaseUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT params, state FROM action_request ORDER BY id")) {
            List<Map.Entry<String, String>> out = new ArrayList<>();
            while (rs.next()) {
                String volume = rs.getString("params").replaceAll(".*\"volume\"\\s*:\\s*\"([^\"]+)\".*", "$1");
                out.add(Map.entry(volume, rs.getString("state")));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
