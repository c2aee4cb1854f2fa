package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.CheckRunStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.ScheduleStore;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runbook checks through the user's doors: signed {@code /ops check} and {@code /ops runbook}
 * requests and button clicks against the assembled bot, WireMock standing in for both Slack's
 * Web API and the systems the runbook checks, and the scheduler driven by a clock the test owns.
 */
class ChecksEndToEndTest {
    private static final String SECRET = "checks-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final WireMockServer systems = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String databaseUrl = TestDatabases.sqliteUrl();
    private Bot bot;

    @TempDir
    Path runbooks;

    @BeforeEach
    void slackAndTheCheckedSystemsAreUp() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://e2e.slack.com/","team":"E2E","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C2147483705\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C2147483705\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).willReturn(okJson(
                "{\"ok\":true,\"message_ts\":\"1700000000.000950\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));

        systems.start();
        systems.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"UP\"}")));
        systems.stubFor(get(urlEqualTo("/lag")).willReturn(okJson("{\"lag\":2500}").withFixedDelay(200)));
        systems.stubFor(get(urlEqualTo("/orders")).willReturn(aResponse().withStatus(503).withFixedDelay(400)));

        Files.writeString(runbooks.resolve("e2e-morning.yaml"), """
                name: e2e-morning
                title: E2E morning check
                team: cdc
                description: Three checks against WireMock.
                checks:
                  - name: API health
                    http: {url: "%1$s/health", json: /status, equals: UP}
                  - name: Replication lag
                    http: {url: "%1$s/lag", json: /lag}
                    warn: "> 1000"
                    crit: "> 10000"
                  - name: Orders API
                    http: {url: "%1$s/orders"}
                checklist:
                  - Read the reconciliation report
                  - Tell the team in the channel
                actions:
                  restart-connector:
                    title: Restart a connector
                    params:
                      connector: {enum: [source, sink]}
                    http: {method: POST, url: "%1$s/connectors/{{connector}}/restart"}
                """.formatted(systems.baseUrl()));
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
        systems.stop();
    }

    @Test
    void opsCheckAcksAtOncePostsRunningThenUpdatesTheSameMessageToTheFullReport() throws Exception {
        startBot(Clock.systemUTC());

        long before = System.nanoTime();
        HttpResponse<String> ack = slash("U0ALICE001", "check e2e-morning");
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        Eventually.await("the final report", WAIT, () -> calls("chat.update").stream().anyMatch(b -> b.contains("Run again")));

        List<String> posts = calls("chat.postMessage");
        assertThat(posts).hasSize(1);
        // Progress that lands before the post leaves is folded into it, so it may start past 0/3.
        assertThat(posts.getFirst()).contains("channel=C2147483705")
                .containsPattern("Running \\*e2e-morning\\*: [0-3]/3 checks done");
        String report = calls("chat.update").getLast();
        assertThat(report).contains("ts=1700000000.000900", "E2E morning check", "*CRIT*",
                "1/3 OK, 1 CRIT, 1 WARN",
                ":red_circle: *Orders API* — ", "HTTP 503",
                ":warning: *Replication lag* — ", "2500", "warn &gt; 1000",
                ":white_check_mark: *API health* — ",
                "run #1 by <@U0ALICE001>", "\"action_id\":\"check.run\"", "\"value\":\"e2e-morning\"");
        assertThat(report.indexOf("Orders API")).as("problems come first").isLessThan(report.indexOf("API health"));
        assertThat(new CheckRunStore(bot.database()).latest("e2e-morning", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("U0ALICE001"));
    }

    @Test
    void runAgainRunsTheSameRunbookWithTheClickerAsActor() throws Exception {
        startBot(Clock.systemUTC());

        HttpResponse<String> click = send(SlackPayloads.blockActions(TEAM, "U0BOB00001", "check.run", "e2e-morning"));

        assertThat(click.statusCode()).isEqualTo(200);
        Eventually.await("a report for the click", WAIT,
                () -> calls("chat.update").stream().anyMatch(b -> b.contains("by <@U0BOB00001>") && b.contains("Run again")));
        assertThat(new CheckRunStore(bot.database()).latest("e2e-morning", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("U0BOB00001"));
    }

    @Test
    void aMistypedNameGetsASuggestionAndNoNameListsTheRunbooksAsButtons() throws Exception {
        startBot(Clock.systemUTC());

        Files.writeString(runbooks.resolve("manual.yaml"), "name: manual\nteam: cdc\nchecklist: [Look outside]\n");
        bot.close();
        startBot(Clock.systemUTC());

        String typo = slash("U0ALICE001", "check e2e-mornin").body();
        String list = slash("U0ALICE001", "check").body();
        String manual = slash("U0ALICE001", "check manual").body();

        assertThat(typo).contains("\"response_type\":\"ephemeral\"", "There is no runbook `e2e-mornin`",
                "Did you mean `e2e-morning`?", "\"action_id\":\"check.run\"");
        assertThat(list).contains("\"response_type\":\"ephemeral\"", "*e2e-morning* — E2E morning check",
                "\"action_id\":\"check.run\"", "\"value\":\"e2e-morning\"");
        assertThat(manual).contains("*manual* has no automated checks; `/ops runbook manual` shows its checklist");
        assertThat(calls("chat.postMessage")).isEmpty();
    }

    @Test
    void opsRunbookShowsTheRunbookAndATickRecordsWhoAndWhen() throws Exception {
        startBot(Clock.systemUTC());

        assertThat(slash("U0ALICE001", "runbook e2e-morning").statusCode()).isEqualTo(200);
        Pattern checklistBlock = Pattern.compile("checklist\\|\\d+\\|0\\|e2e-morning");
        Eventually.await("the runbook view", WAIT, () -> calls("chat.postMessage").stream()
                .anyMatch(b -> checklistBlock.matcher(b).find()));
        String view = calls("chat.postMessage").getFirst();
        assertThat(view).contains("E2E morning check", "team *cdc*", "*API health* — http: GET " + systems.baseUrl() + "/health",
                "warn &gt; 1000", "1. Read the reconciliation report", "\"type\":\"checkboxes\"",
                "`restart-connector` — Restart a connector (connector: one of source, sink)");
        Matcher block = checklistBlock.matcher(view);
        assertThat(block.find()).isTrue();

        HttpResponse<String> tick = send(SlackPayloads.checkboxes(TEAM, "U0CAROL001", "check.tick",
                block.group(), List.of("0")));

        assertThat(tick.statusCode()).isEqualTo(200);
        Eventually.await("the view updated with the tick", WAIT, () -> calls("chat.update").stream()
                .anyMatch(b -> b.contains("1 ticked by <@U0CAROL001> <!date^")));
        String updated = calls("chat.update").getLast();
        assertThat(updated).contains("\"initial_options\":[{", "\"value\":\"0\"");
    }

    @Test
    void aScheduledRunMissedDuringDowntimeRunsOnceWhenTheBotIsBack() throws Exception {
        Files.writeString(runbooks.resolve("nightly.yaml"), """
                name: nightly
                team: cdc
                schedule:
                  - {cron: "0 6 * * *", time-zone: UTC, channel: "#e2e-sched"}
                checks:
                  - name: API health
                    http: {url: "%s/health"}
                """.formatted(systems.baseUrl()));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T05:30:00Z"));
        startBot(clock);
        Eventually.await("the schedule remembered", WAIT,
                () -> !new ScheduleStore(bot.database()).lastFired("nightly").isEmpty());
        bot.close();

        clock.advance(Duration.ofHours(4));
        startBot(clock);

        Eventually.await("the missed run posted", WAIT, () -> calls("chat.update").stream()
                .anyMatch(b -> b.contains("`nightly`") && b.contains("the schedule `0 6 * * *`")
                        && b.contains("Scheduled for <!date^1795154400^") && b.contains("runs late because opsbot was not running")));
        Thread.sleep(Bot_TICK_TWICE.toMillis());
        assertThat(calls("chat.postMessage").stream().filter(b -> b.contains("channel=#e2e-sched")).count()).isEqualTo(1);
        assertThat(new CheckRunStore(bot.database()).latest("nightly", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("schedule:0 6 * * *"));
    }

    @Test
    void whenPermissionsListCheckOnlyThoseRolesMayRunChecksByCommandOrButton() throws Exception {
        String yaml = ExampleText.withoutWindows().replace("permissions:\n", "permissions:\n  check: [approvers]\n");
        startBot(Clock.systemUTC(), ConfigParser.parse(yaml, "opsbot.yaml").require());

        String denied = slash("U0ALICE001", "check e2e-morning").body();
        send(SlackPayloads.blockActions(TEAM, "U0ALICE001", "check.run", "e2e-morning"));
        Eventually.await("the click refused", WAIT, () -> calls("chat.postEphemeral").stream()
                .anyMatch(b -> b.contains("You may not run checks")));
        slash("U0LEAD0001", "check e2e-morning");
        Eventually.await("the approver's report", WAIT, () -> calls("chat.update").stream().anyMatch(b -> b.contains("Run again")));

        assertThat(denied).contains(":no_entry: You may not use `/ops check`", "`approvers`");
        assertThat(new CheckRunStore(bot.database()).latest("e2e-morning", 5)).singleElement()
                .satisfies(run -> assertThat(run.actor()).isEqualTo("U0LEAD0001"));
    }

    private static final Duration Bot_TICK_TWICE = Duration.ofSeconds(11);

    private void startBot(Clock clock) {
        startBot(clock, ExampleText.onTheWallClock());
    }

    private void startBot(Clock clock, OpsbotConfig config) {
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.of(TEAM));
        bot = Bot.start(settings, config, clock);
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        return http.send(signer.post(uri(), SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String form) throws Exception {
        return http.send(signer.post(uri(), SlackSigner.FORM, form), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://localhost:" + bot.port() + "/slack/events");
    }

    /** The decoded form bodies of one Web API method, oldest first. */
    private List<String> calls(String method) {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/" + method))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8))
                .toList();
    }
}
