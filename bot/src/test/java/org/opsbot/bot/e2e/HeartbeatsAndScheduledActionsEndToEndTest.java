package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats and scheduled actions through the doors they use: check-ins over HTTP with their own
 * token, a missed heartbeat (on the test's clock) that opens an alert group, pages the team's
 * on-call and is resolved by the next check-in, {@code /ops heartbeats}, and a runbook's
 * scheduled actions that run at their time without approval, are audited as run by schedule,
 * and open an alert group when they fail.
 */
class HeartbeatsAndScheduledActionsEndToEndTest {
    private static final String SECRET = "beats-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String WEBHOOK_TOKEN = "alert-webhook-token";
    private static final String BEAT_TOKEN = "beat-token-2";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ON_CALL = "U0ONCALL01";
    private static final String AUDITOR = "U0AUDIT001";
    private static final String CONFIG = """
            roles:
              approvers: [U0APPROVE1]
              auditors: [U0AUDIT001]
            teams:
              cdc:
                channel: "#cdc-alerts"
                escalation:
                  tiers:
                    - {name: On-call engineer, notify: [U0ONCALL01]}
            routes:
              - {team: cdc}
            permissions:
              audit: [auditors]
            heartbeats:
              - {name: cdc-backup, team: cdc, every: 5m, grace: 1m, severity: P2}
            """;
    private static final String RUNBOOK = """
            name: nightly
            title: Nightly jobs
            team: cdc
            schedule:
              - {cron: "0 2 * * *", action: sync, params: {mode: full}}
              - {cron: "0 3 * * *", action: clean-up}
            actions:
              sync:
                title: Full sync
                params:
                  mode: {enum: [full, delta]}
                exec: {command: "true", args: ["{{mode}}"]}
                approval: {role: approvers, count: 1, within: 30m}
              clean-up:
                title: Log clean-up
                exec: {command: "false"}
            """;

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T01:50:00Z"));
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(runbooks.resolve("nightly.yaml"), RUNBOOK);
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(WEBHOOK_TOKEN), Optional.of(TEAM), List.of("true", "false"),
                HttpLimits.DEFAULT, List.of("beat-token-1", BEAT_TOKEN));
        bot = Bot.start(settings, ConfigParser.parse(CONFIG, "opsbot.yaml").require(), clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
    }

    private HttpResponse<String> beat(String name, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/heartbeats/" + name))
                .POST(HttpRequest.BodyPublishers.ofString("{\"receiver\":\"watchdog\",\"status\":\"firing\"}"));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private List<String> channelTexts() {
        return slack.calls("chat.postMessage").stream().filter(c -> !c.isReply() && !slack.directMessages().contains(c))
                .map(c -> c.get("text") + "\n" + c.get("blocks") + "\n" + c.get("attachments")).toList();
    }

    private long pages() {
        return slack.directMessages().stream().filter(c -> c.get("channel").equals(ON_CALL)
                && c.get("text").startsWith("You are paged")).count();
    }

    @Test
    void checkInsNeedTheirOwnTokenAndAKnownName() throws Exception {
        assertThat(beat("cdc-backup", Optional.empty()).statusCode()).isEqualTo(401);
        assertThat(beat("cdc-backup", Optional.of("wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> webhookToken = beat("cdc-backup", Optional.of(WEBHOOK_TOKEN));
        assertThat(webhookToken.statusCode()).as("the alert webhook token is not a heartbeat token").isEqualTo(401);
        assertThat(webhookToken.body()).contains("OPSBOT_HEARTBEAT_TOKEN");
        assertThat(beat("nope", Optional.empty()).statusCode()).as("no name is told without a token").isEqualTo(401);

        HttpResponse<String> unknown = beat("cdc-bakup", Optional.of(BEAT_TOKEN));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("there is no heartbeat named 'cdc-bakup'").contains("cdc-backup");

        assertThat(beat("cdc-backup", Optional.of("beat-token-1")).statusCode()).as("any of the tokens").isEqualTo(200);
        assertThat(beat("cdc-backup", Optional.of(BEAT_TOKEN)).statusCode()).isEqualTo(200);
        assertThat(ops("U0ANYONE01", "heartbeats")).contains("cdc-backup").contains(":white_check_mark: OK")
                .contains("last check-in <!date^" + clock.instant().getEpochSecond());
    }

    @Test
    void aMissedHeartbeatOpensAnAlertGroupThatPagesAndTheNextBeatResolvesIt() throws Exception {
        assertThat(beat("cdc-backup", Optional.of(BEAT_TOKEN)).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(5));
        assertThat(ops("U0ANYONE01", "heartbeats")).as("within its grace").contains(":white_check_mark: OK");
        clock.advance(Duration.ofMinutes(1));
        bot.wakeScheduler();
        Eventually.await("the missed heartbeat is posted", WAIT, () -> channelTexts().stream()
                .anyMatch(t -> t.contains("cdc-backup has not checked in since 2026-12-01 01:50 UTC")));
        Eventually.await("the on-call is paged", WAIT, () -> pages() == 1);
        assertThat(slack.directMessages().getFirst().get("text")).contains("Heartbeat cdc-backup missed");
        assertThat(ops("U0ANYONE01", "heartbeats")).contains(":rotating_light: MISSED").contains("overdue since");

        assertThat(beat("cdc-backup", Optional.of(BEAT_TOKEN)).statusCode()).isEqualTo(200);
        Eventually.await("the group resolves", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> u.get("attachments") != null && u.get("attachments").contains("Heartbeat cdc-backup missed")
                        && u.get("attachments").contains("Resolved")));
        assertThat(channelTexts().stream().filter(t -> t.contains("Heartbeat cdc-backup missed"))).as("one group").hasSize(1);
    }

    @Test
    void scheduledActionsRunAtTheirTimeWithoutApprovalAndAFailureOpensAnAlertGroup() throws Exception {
        clock.advance(Duration.ofMinutes(10).plusSeconds(30)); // 02:00:30
        bot.wakeScheduler();
        // Usually the "Running" post updated in place; but the outbox folds an update into a post
        // Slack has not received yet, so behind a busy channel the post itself carries the result.
        Eventually.await("the sync ran in the team's channel", WAIT, () -> java.util.stream.Stream.concat(
                        slack.calls("chat.postMessage").stream(), slack.calls("chat.update").stream())
                .anyMatch(u -> u.get("blocks") != null && u.get("blocks").contains("Done:")
                        && u.get("blocks").contains("Full sync")));
        assertThat(channelTexts().stream().filter(t -> t.contains("Full sync")).findFirst()).hasValueSatisfying(t ->
                assertThat(t).contains("Run by schedule").doesNotContain("Approve"));
        String audit = ops(AUDITOR, "audit 10");
        assertThat(audit).contains("action.run").contains("run by schedule").contains("schedule:0 2 * * *");
        assertThat(channelTexts().stream().filter(t -> t.contains("Scheduled action"))).as("a success opens nothing").isEmpty();

        clock.advance(Duration.ofHours(1)); // 03:00
        bot.wakeScheduler();
        Eventually.await("the failed clean-up opens an alert group", WAIT, () -> channelTexts().stream()
                .anyMatch(t -> t.contains("Scheduled action nightly/clean-up failed") && t.contains("exit code 1")));
        // A page DM of its own, or a line in the DM gathering the person's pages (told in its thread).
        Eventually.await("and it pages", WAIT, () -> java.util.stream.Stream.concat(slack.calls("chat.postMessage").stream(),
                        slack.calls("chat.update").stream())
                .map(c -> String.valueOf(c.get("text")))
                .anyMatch(t -> (t.startsWith("You are paged") || t.contains("aging you"))
                        && t.contains("Scheduled action nightly/clean-up failed")));
    }
}
