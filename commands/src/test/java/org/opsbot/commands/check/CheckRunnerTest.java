package org.opsbot.commands.check;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class CheckRunnerTest {
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(60));
        server.start();
        server.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(200)));
        server.stubFor(get("/hang").willReturn(okJson("{}").withFixedDelay(20_000)));
        server.stubFor(get("/down").willReturn(okJson("{}").withStatus(503)));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Check http(String name, String path) {
        return new Check(name, HttpKind.Http.get(server.baseUrl() + path)).withTimeout(Duration.ofSeconds(5));
    }

    /**
     * Parallel by construction rather than by the clock: each endpoint answers only once all
     * twenty requests are in, so checks run one after another would find it answering 503 after
     * its wait and report CRIT. (How fast they run is BENCHMARKS.md's business.)
     */
    @Test
    void twentyChecksRunInParallel() throws Exception {
        int n = 20;
        java.util.concurrent.CountDownLatch allIn = new java.util.concurrent.CountDownLatch(n);
        com.sun.net.httpserver.HttpServer gate = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        gate.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        gate.createContext("/gate", exchange -> {
            allIn.countDown();
            boolean together;
            try {
                together = allIn.await(4, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                together = false;
            }
            exchange.sendResponseHeaders(together ? 200 : 503, -1);
            exchange.close();
        });
        gate.start();
        try {
            List<Check> checks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                checks.add(new Check("endpoint " + i, HttpKind.Http.get("http://127.0.0.1:" + gate.getAddress().getPort() + "/gate"))
                        .withTimeout(Duration.ofSeconds(10)));
            }

            RunReport report = Checks.runner().run("many", "Many", checks, "cli");

            assertThat(report.summary()).as("every endpoint saw all twenty requests at once").isEqualTo("20/20 OK");
        } finally {
            gate.stop(0);
        }
    }

    @Test
    void oneHungEndpointHoldsTheReportOnlyUntilItsTimeout() {
        List<Check> checks = List.of(http("fine", "/slow"),
                new Check("hung", HttpKind.Http.get(server.baseUrl() + "/hang")).withTimeout(Duration.ofMillis(700)),
                http("down", "/down"));
        long start = System.nanoTime();

        RunReport report = Checks.runner().run("mixed", "Mixed", checks, "U123");

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isLessThan(3_000);
        assertThat(report.results()).extracting(CheckResult::name).containsExactly("fine", "hung", "down");
        assertThat(report.results()).extracting(CheckResult::status).containsExactly(Status.OK, Status.ERROR, Status.CRIT);
        assertThat(report.status()).isEqualTo(Status.CRIT);
        assertThat(report.summary()).isEqualTo("1/3 OK, 1 CRIT, 1 ERROR");
        assertThat(report.actor()).isEqualTo("U123");
    }

    @Test
    void theOverallDeadlineCutsEveryCheckShort() {
        List<Check> checks = List.of(new Check("hung", HttpKind.Http.get(server.baseUrl() + "/hang")).withTimeout(Duration.ofSeconds(30)));
        long start = System.nanoTime();

        RunReport report = Checks.runner().run("d", "D", checks, "cli", Duration.ofMillis(600), ProgressListener.NONE);

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(report.results().get(0).message()).isEqualTo("timeout after 600 ms");
    }

    @Test
    void theListenerHearsOfEveryCheckAsItFinishes() {
        List<String> heard = new CopyOnWriteArrayList<>();
        List<Check> checks = List.of(http("slow", "/slow"), http("down", "/down"));

        Checks.runner().run("p", "P", checks, "cli", Duration.ofSeconds(10),
                (result, done, total) -> heard.add(result.name() + " " + done + "/" + total));

        assertThat(heard).containsExactly("down 1/2", "slow 2/2");
    }

    @Test
    void aFailingListenerDoesNotLoseTheRun() {
        RunReport report = Checks.runner().run("p", "P", List.of(http("down", "/down")), "cli", Duration.ofSeconds(10),
                (result, done, total) -> {
                    throw new IllegalStateException("Slack is down");
                });

        assertThat(report.results()).hasSize(1);
    }

    @Test
    void reportsPrintForTheTerminalAndAsJson() {
        RunReport report = Checks.runner().run("p", "Title", List.of(http("down", "/down")), "cli");

        assertThat(ReportText.plain(report)).startsWith("CRIT  p — Title: 0/1 OK, 1 CRIT").contains("down  HTTP 503, expected 2xx");
        assertThat(ReportText.json(report)).contains("\"status\" : \"CRIT\"").contains("\"summary\" : \"0/1 OK, 1 CRIT\"");
    }

    @Test
    void secretLookingEnvironmentValuesAreMaskedEverywhereInText() {
        SecretMasker masker = SecretMasker.fromEnvironment(Map.of(
                "KAFKA_API_TOKEN", "tok-123456", "DB_PASSWORD", "pw-98765", "HOME", "/home/ops", "X_KEY", "1"));

        assertThat(masker.mask("calling with tok-123456 and pw-98765 from /home/ops"))
                .isEqualTo("calling with *** and *** from /home/ops");
        assertThat(masker.mask("jdbc:postgresql://db/x?user=a&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/x?user=a&password=***&ssl=true");
        assertThat(masker.mask("http://admin:hunter2@grafana:3000/api")).isEqualTo("http://admin:***@grafana:3000/api");
    }
}
