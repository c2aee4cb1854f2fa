package org.opsbot.commands.check;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class HttpCheckTest {
    private static final String STATUS_ONE_TASK_FAILED = """
            {"name": "sqlserver-source-connector",
             "connector": {"state": "RUNNING", "worker_id": "connect:8083"},
             "tasks": [{"id": 0, "state": "RUNNING"}, {"id": 1, "state": "FAILED", "trace": "boom"}, {"id": 2, "state": "RUNNING"}]}""";

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String url(String path) {
        return server.baseUrl() + path;
    }

    private static Check check(Probe probe) {
        return new Check("c", probe).withTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aHealthyEndpointIsOkWithItsStatusAndLatency() {
        server.stubFor(get("/health").willReturn(okJson("{\"status\":\"ok\"}")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/health"))));

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.observed()).get().asString().startsWith("HTTP 200");
        assertThat(r.value()).isPresent();
    }

    @Test
    void anUnexpectedStatusIsCritAndSaysWhatWasExpected() {
        server.stubFor(get("/health").willReturn(aResponse().withStatus(503)));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/health"))));

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.message()).isEqualTo("HTTP 503, expected 2xx");
    }

    @Test
    void aConnectorThatIsRunningWithOneFailedTaskFailsTheStarPointer() {
        server.stubFor(get("/connectors/src/status").willReturn(okJson(STATUS_ONE_TASK_FAILED)));

        CheckResult connector = Checks.run(check(HttpKind.Http.get(url("/connectors/src/status"))
                .withJson("/connector/state").withEquals("RUNNING")));
        CheckResult tasks = Checks.run(check(HttpKind.Http.get(url("/connectors/src/status"))
                .withJson("/tasks/*/state").withEquals("RUNNING")));

        assertThat(connector.status()).as("the connector itself says RUNNING").isEqualTo(Status.OK);
        assertThat(tasks.status()).isEqualTo(Status.CRIT);
        assertThat(tasks.message()).isEqualTo("/tasks/1/state is FAILED, expected RUNNING");
        assertThat(tasks.observed()).contains("RUNNING, FAILED");
    }

    @Test
    void everyTaskRunningPassesTheStarPointer() {
        server.stubFor(get("/s").willReturn(okJson("{\"tasks\":[{\"state\":\"RUNNING\"},{\"state\":\"RUNNING\"}]}")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/s")).withJson("/tasks/*/state").withEquals("RUNNING")));

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.message()).isEqualTo("/tasks/*/state: all 2 are RUNNING");
    }

    @Test
    void aConnectorWithoutTasksDoesNotPassTheStarPointer() {
        server.stubFor(get("/s").willReturn(okJson("{\"tasks\":[]}")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/s")).withJson("/tasks/*/state").withEquals("RUNNING")));

        assertThat(r.status()).isEqualTo(Status.CRIT);
    }

    @Test
    void aMissingPointerIsAnErrorNamingIt() {
        server.stubFor(get("/s").willReturn(okJson("{\"connector\":{}}")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/s")).withJson("/connector/state").withEquals("RUNNING")));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).isEqualTo("pointer /connector/state not found in the response");
    }

    @Test
    void aResponseThatIsNotJsonIsAnErrorSayingSo() {
        server.stubFor(get("/s").willReturn(aResponse().withBody("<html>login</html>")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/s")).withJson("/state").withEquals("UP")));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).startsWith("the response was not JSON");
    }

    @Test
    void numbersAtAPointerAreComparedWithThresholdsAndTheWorstCounts() {
        server.stubFor(get("/lag").willReturn(okJson("{\"partitions\":[{\"lag\":10},{\"lag\":12000},{\"lag\":1500}]}")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/lag")).withJson("/partitions/*/lag"))
                .withWarn("> 1000").withCrit("> 10000"));

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.value()).contains(12000.0);
        assertThat(r.threshold()).contains("crit > 10000");
        assertThat(r.message()).isEqualTo("/partitions/1/lag is 12000 (crit > 10000)");
    }

    @Test
    void latencyOverTheWarnThresholdIsWarn() {
        server.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(300)));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/slow"))).withWarn("> 100ms").withCrit("> 2s"));

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.threshold()).contains("warn > 100ms");
    }

    @Test
    void aBodyThatDoesNotMatchThePatternIsCrit() {
        server.stubFor(get("/p").willReturn(aResponse().withBody("status: degraded")));

        CheckResult r = Checks.run(check(HttpKind.Http.get(url("/p")).withBodyPattern("status: (ok|healthy)")));

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.message()).contains("does not match");
    }

    @Test
    void aHungEndpointIsCancelledAtTheTimeoutAndReportedInWords() {
        server.stubFor(get("/hang").willReturn(okJson("{}").withFixedDelay(10_000)));
        long start = System.nanoTime();

        CheckResult r = Checks.run(new Check("c", HttpKind.Http.get(url("/hang"))).withTimeout(Duration.ofMillis(400)));

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).isEqualTo("timeout after 400 ms");
        assertThat(ms).as("the call was cancelled, not waited out").isLessThan(3_000);
    }

    @Test
    void aRefusedConnectionIsAnErrorSayingSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CheckResult r = Checks.run(check(HttpKind.Http.get("http://127.0.0.1:" + port + "/health")));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).startsWith("connection refused");
    }

    @Test
    void headersAreSentAndSecretsInErrorsAreMasked() {
        server.stubFor(get(urlEqualTo("/auth")).willReturn(aResponse().withStatus(500)));
        HttpKind.Http probe = new HttpKind.Http("GET", "http://user:hunter22@127.0.0.1:1/auth", Map.of("Authorization", "Bearer s3cr3t-token"),
                Optional.empty(), List.of("2xx"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        CheckRunner runner = Checks.runner(ExecAllowList.none(), SecretMasker.fromEnvironment(Map.of("API_TOKEN", "s3cr3t-token")));

        CheckResult r = Checks.run(runner, check(probe));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).doesNotContain("hunter22");
    }
}
