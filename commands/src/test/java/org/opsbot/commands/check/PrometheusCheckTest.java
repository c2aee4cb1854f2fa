package org.opsbot.commands.check;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class PrometheusCheckTest {
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

    private void answer(String query, String result) {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", equalTo(query))
                .willReturn(okJson("{\"status\":\"success\",\"data\":" + result + "}")));
    }

    private CheckResult run(String query, Status noData, String warn, String crit) {
        Check check = new Check("lag", new PrometheusKind.Prometheus(server.baseUrl(), query, Map.of(), noData));
        if (warn != null) {
            check = check.withWarn(warn);
        }
        if (crit != null) {
            check = check.withCrit(crit);
        }
        return Checks.run(check);
    }

    @Test
    void aValueBelowTheThresholdsIsOk() {
        answer("max(lag)", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000,\"42\"]}]}");

        CheckResult r = run("max(lag)", Status.ERROR, "> 1000", "> 10000");

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.observed()).contains("42");
        assertThat(r.value()).contains(42.0);
    }

    @Test
    void theWorstOfSeveralSeriesCounts() {
        answer("lag", """
                {"resultType":"vector","result":[
                  {"metric":{"__name__":"lag","connector":"a"},"value":[1,"5"]},
                  {"metric":{"__name__":"lag","connector":"b"},"value":[1,"2500"]},
                  {"metric":{"__name__":"lag","connector":"c"},"value":[1,"700"]}]}""");

        CheckResult r = run("lag", Status.ERROR, "> 1000", "> 10000");

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.message()).isEqualTo("lag{connector=\"b\"} is 2500 (warn > 1000)");
    }

    @Test
    void noSeriesIsWhatTheRunbookSaysItIs() {
        answer("up == 0", "{\"resultType\":\"vector\",\"result\":[]}");

        assertThat(run("up == 0", Status.OK, null, null).status()).isEqualTo(Status.OK);
        assertThat(run("up == 0", Status.CRIT, null, null).status()).isEqualTo(Status.CRIT);
        CheckResult error = run("up == 0", Status.ERROR, null, null);
        assertThat(error.status()).isEqualTo(Status.ERROR);
        assertThat(error.message()).isEqualTo("the query returned no series");
    }

    @Test
    void aScalarResultIsAValueToo() {
        answer("scalar(1)", "{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}");

        assertThat(run("scalar(1)", Status.ERROR, null, "!= 1").status()).isEqualTo(Status.OK);
    }

    @Test
    void aRefusedQueryIsAnErrorWithPrometheusOwnWords() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withStatus(400)
                .withBody("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 5\"}")));

        CheckResult r = run("max(", Status.ERROR, null, null);

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).isEqualTo("Prometheus refused the query (HTTP 400): bad_data: parse error at char 5");
    }

    @Test
    void somethingThatIsNotPrometheusIsAnErrorSayingSo() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(aResponse().withBody("<html>Grafana</html>")));

        CheckResult r = run("up", Status.ERROR, null, null);

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).contains("not JSON").contains("a Prometheus server?");
    }
}
