package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.TcpProxy;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The network between the bot and PostgreSQL silently drops every packet (a black hole: no
 * reset, no refusal, the bot's connections just wait), the nastiest way for a database to go
 * away: without timeouts a request would hang until the kernel gives up, many minutes later.
 * Requests still answer within Slack's 3 s, readiness goes down, and once the network is back
 * the pool replaces its dead connections and everything works again.
 */
class PostgresBlackHoleTest {
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+)(\\?.*)?");
    // Slack gives up on a request after 3 s.
    private static final Duration QUICK = Duration.ofMillis(2_800);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = "U0ALICE001";

    @TempDir
    Path runbooks;

    private final String schema = TestDatabases.schema("blackhole_");
    private TcpProxy proxy;
    private FaultScenario scenario;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.restore();
        }
        if (scenario != null) {
            scenario.close();
        }
        if (proxy != null) {
            proxy.close();
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void requestsAnswerInTimeWhileTheNetworkDropsEverythingAndThePoolRecoversAfterIt() throws Exception {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "no PostgreSQL (OPSBOT_TEST_POSTGRES_URL)");
        scenario = new FaultScenario(behindProxy(), runbooks);
        assertThat(scenario.alertmanager(FaultScenario.notification("storage", "DiskFull", 1, 2)).statusCode()).isEqualTo(200);
        long group = scenario.groups().getFirst().id();
        Eventually.await("ready", WAIT, () -> status("/health/ready") == 200);

        // The pool's connections were all just used, so none is checked before it is lent out:
        // the statements themselves go into the black hole.
        proxy.blackHole();
        String newGroup = FaultScenario.notification("network", "LatencyHigh", 1, 3);
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Timed>> webhooks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                webhooks.add(senders.submit(() -> timed(() -> scenario.alertmanager(newGroup))));
            }
            for (Future<Timed> w : webhooks) {
                Timed t = w.get();
                assertThat(t.response().statusCode()).as("a webhook while packets vanish").isEqualTo(503);
                assertThat(t.response().headers().firstValue("Retry-After")).isPresent();
                assertThat(t.took()).as("answered in time").isLessThan(QUICK);
            }
        }
        Timed ack = timed(() -> scenario.slash(ALICE, "ack " + group));
        assertThat(ack.response().statusCode()).isEqualTo(200);
        assertThat(ack.response().body()).contains("cannot store anything right now", "nothing was done");
        assertThat(ack.took()).as("the slash command answered in time").isLessThan(QUICK);
        Timed ready = timed(() -> scenario.get("/health/ready"));
        assertThat(ready.response().statusCode()).isEqualTo(503);
        assertThat(ready.took()).as("readiness answered in time").isLessThan(QUICK);
        assertThat(scenario.get("/health/live").statusCode()).isEqualTo(200);

        proxy.restore();
        long back = System.nanoTime();
        Eventually.await("ready again", WAIT, () -> status("/health/ready") == 200);
        Duration recovered = Duration.ofNanos(System.nanoTime() - back);
        HttpResponse<String> retried = scenario.alertmanager(newGroup);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).contains("\"accepted\":3");
        assertThat(scenario.slash(ALICE, "ack " + group).body()).contains("Acknowledged #" + group);
        assertThat(scenario.groups()).hasSize(2);
        System.out.printf(Locale.ROOT, "ready again %d ms after the network came back%n", recovered.toMillis());
    }

    /** A JDBC URL to a new schema of the test server, through a proxy this test controls. */
    private String behindProxy() throws Exception {
        Matcher m = URL.matcher(TestDatabases.POSTGRES_URL);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host and port from OPSBOT_TEST_POSTGRES_URL");
        }
        try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
        String query = m.group(4) == null ? "?" : m.group(4) + "&";
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3) + query + "currentSchema=" + schema;
    }

    private record Timed(HttpResponse<String> response, Duration took) {
    }

    private static Timed timed(Callable<HttpResponse<String>> request) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = request.call();
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
