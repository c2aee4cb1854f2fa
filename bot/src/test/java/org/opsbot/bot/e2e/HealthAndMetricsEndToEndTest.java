package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.http.SlackStatus;
import org.opsbot.bot.testing.RunningBot;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HealthAndMetricsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningBot bot;

    @BeforeAll
    static void start() {
        bot = new RunningBot();
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    @BeforeEach
    void healthy() {
        bot.databaseUp.set(true);
        bot.slackStatus.set(SlackStatus.reachable());
    }

    @Test
    void livenessAnswers200WithJson() throws Exception {
        HttpResponse<String> response = bot.get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void readinessIs200WhenTheDatabaseIsUp() throws Exception {
        HttpResponse<String> response = bot.get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/database/status").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/slack/status").asText()).isEqualTo("REACHABLE");
    }

    @Test
    void readinessIs503WhenTheDatabaseIsDown() throws Exception {
        bot.databaseUp.set(false);

        HttpResponse<String> response = bot.get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).at("/checks/database/status").asText()).isEqualTo("DOWN");
    }

    @Test
    void readinessStays200WhileSlackIsUnreachableAndReportsSince() throws Exception {
        bot.slackStatus.set(SlackStatus.unreachableSince(Instant.parse("2026-11-22T03:00:00Z")));

        HttpResponse<String> response = bot.get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode slack = JSON.readTree(response.body()).at("/checks/slack");
        assertThat(slack.path("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(slack.path("since").asText()).isEqualTo("2026-11-22T03:00:00Z");
        assertThat(slack.path("gating").asBoolean()).isFalse();
    }

    @Test
    void metricsCountSlackRequestsAckLatencyAndRefusals() {
        bot.slack(SlackSigner.FORM, SlackPayloads.slashCommand(RunningBot.OWN_TEAM, "U0ALICE001", "help"));
        bot.slack(SlackSigner.FORM, SlackPayloads.slashCommand("T0GUEST0001", "U0ALICE001", "help"));
        bot.send(HttpRequest.newBuilder(bot.uri("/slack/events"))
                .POST(HttpRequest.BodyPublishers.ofString("token=x")).build());

        HttpResponse<String> response = bot.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(response.body())
                .contains("opsbot_slack_requests_total{kind=\"command\",status=\"200\"}")
                .contains("opsbot_slack_requests_total{kind=\"unknown\",status=\"401\"}")
                .contains("opsbot_slack_ack_seconds_bucket{kind=\"command\",le=\"3.0\"}")
                .contains("opsbot_slack_requests_refused_total{reason=\"unsigned\"}")
                .contains("opsbot_slack_requests_refused_total{reason=\"foreign_team\"}");
    }

    @Test
    void helidonsObserveEndpointsAreNotServed() {
        assertThat(bot.get("/observe/metrics").statusCode()).isEqualTo(404);
        assertThat(bot.get("/observe/health").statusCode()).isEqualTo(404);
    }
}
