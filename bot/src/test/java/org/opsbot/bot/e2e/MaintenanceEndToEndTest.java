package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.RealAlertmanager;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.FireLoop;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Maintenance windows through the doors people use, on the shipped example: signed
 * {@code /ops maintenance} commands, an Alertmanager webhook and a controlled clock. One bot
 * serves every scenario; each uses its own team or only answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceEndToEndTest {
    private static final String SECRET = "maintenance-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = "U0ALICE001"; // a responder
    private static final String BOB = "U0BOB00001";   // a responder, on call for cdc this week
    private static final String CAROL = "U0CAROL001"; // no role

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private Bot bot;
    private Path runbooks;

    @BeforeAll
    void start() throws Exception {
        runbooks = Files.createTempDirectory("maintenance-e2e");
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigLoader.bundledExample().require(), clock);
    }

    @AfterAll
    void stop() throws Exception {
        bot.close();
        slack.close();
        Files.deleteIfExists(runbooks);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)));
        assertThat(response.statusCode()).isEqualTo(200);
        // The ephemeral answer's text, as the person reads it.
        return JSON.readTree(response.body()).path("text").asText();
    }

    private void cdcAlertFires() throws Exception {
        String body = AlertsEndToEndTest.amWebhook("firing", "12840", "firing");
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(200);
    }

    private static String lineOf(String text, String window) {
        return text.lines().filter(l -> l.contains(window)).findFirst().orElse("");
    }

    private List<String> paged() {
        return slack.directMessages().stream().filter(c -> c.get("text").startsWith("You are paged"))
                .map(c -> c.get("channel")).toList();
    }

    private boolean posted(String text) {
        return slack.announcements().stream().anyMatch(c -> c.get("text") != null && c.get("text").contains(text));
    }

    @Test
    void duringMaintenanceAnAlertIsPostedButPagesNobodyAndWhenItEndsItsEscalationStartsAndTheThreadSaysSo() throws Exception {
        String started = ops(ALICE, "maintenance start cdc 2h Patching the Kafka Connect hosts");
        assertThat(started).contains("Maintenance #").contains("*cdc*").contains("nobody is paged");
        Eventually.await("announced in the team's channel", WAIT, () -> posted("Maintenance started for *cdc*"));
        assertThat(slack.announcements()).filteredOn(c -> c.get("text") != null && c.get("text").contains("Maintenance started for *cdc*"))
                .singleElement().satisfies(c -> {
                    assertThat(c.get("channel")).isEqualTo("#cdc-alerts");
                    assertThat(c.get("text")).contains("Patching the Kafka Connect hosts").contains("<@U0ALICE001>");
                });

        cdcAlertFires();
        Eventually.await("the group is posted, marked in maintenance", WAIT, () -> slack.channelPosts().stream()
                .anyMatch(c -> c.get("attachments") != null && c.get("attachments").contains("In maintenance")));
        assertThat(ops(CAROL, "maintenance")).contains("In maintenance now").contains("cdc")
                .contains("Patching the Kafka Connect hosts");
        // In maintenance nobody is paged, however long it fires: four rounds of the escalation loop
        // find nothing to fire.
        clock.advance(Duration.ofMinutes(45));
        Thread.sleep(FireLoop.MAX_WAIT.multipliedBy(4).toMillis());
        assertThat(paged()).as("held by the window").isEmpty();

        assertThat(ops(BOB, "maintenance end cdc")).contains("Ended").contains("*cdc*");
        Eventually.await("the end is announced", WAIT, () -> posted("Maintenance ended for *cdc*"));
        Eventually.await("the on-call engineer is paged now", WAIT, () -> paged().equals(List.of(BOB)));
        Eventually.await("the thread says why it escalates now", WAIT, () -> slack.calls("chat.postMessage").stream()
                .filter(RateLimitedSlack.Call::isReply).map(c -> c.get("text"))
                .anyMatch(t -> t != null && t.contains("maintenance #") && t.contains("ended while this was still firing: escalation starts now")));
        assertThat(ops(ALICE, "maintenance")).contains("No maintenance now");
        assertThat(ops(ALICE, "maintenance end cdc")).contains("No maintenance window is running.");
        assertThat(slack.announcements()).as("announced once each")
                .filteredOn(c -> c.get("text") != null && c.get("text").startsWith(":construction: Maintenance started for *cdc*")).hasSize(1);
    }

    private HttpResponse<String> click(String user, String actionId, String value) throws Exception {
        return send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM,
                SlackPayloads.blockActions(TEAM, user, "someone", "C0ANALYTC1", "1700000000.000900", actionId, value, false)));
    }

    private boolean toldPrivately(String user, String text) {
        return slack.calls("chat.postEphemeral").stream()
                .anyMatch(c -> user.equals(c.get("user")) && c.get("text") != null && c.get("text").contains(text));
    }

    @Test
    void maintenanceOutsideTheTeamsWindowsStartsOnlyWhenAnApproverApprovesIt() throws Exception {
        String asked = ops(ALICE, "maintenance start analytics 2h Re-running the center import");
        assertThat(asked).contains("needs an approval from engineering-managers within 30m");
        Eventually.await("the request is posted in the team's channel with its buttons", WAIT, () -> slack.calls("chat.postMessage")
                .stream().anyMatch(c -> "#analytics-alerts".equals(c.get("channel")) && c.get("text") != null
                        && c.get("text").contains("Maintenance of analytics")));
        RateLimitedSlack.Call request = slack.calls("chat.postMessage").stream()
                .filter(c -> "#analytics-alerts".equals(c.get("channel")) && c.get("text") != null
                        && c.get("text").contains("Maintenance of analytics")).findFirst().orElseThrow();
        assertThat(request.get("blocks")).contains("Re-running the center import", "action.reject");
        java.util.regex.Matcher button = java.util.regex.Pattern
                .compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"").matcher(request.get("blocks"));
        assertThat(button.find()).as("an Approve button: " + request.get("blocks")).isTrue();
        assertThat(ops(CAROL, "maintenance")).as("nothing starts before the approval").doesNotContain("Re-running the center import");

        click(ALICE, "action.approve", button.group(1));
        Eventually.await("the requester cannot approve it", WAIT, () -> toldPrivately(ALICE, "someone else must approve it"));
        click(BOB, "action.approve", button.group(1));
        Eventually.await("nor can someone outside the role", WAIT, () -> toldPrivately(BOB, "only named members of the `engineering-managers` role"));
        assertThat(ops(CAROL, "maintenance")).doesNotContain("Re-running the center import");

        click("U0MGR00001", "action.approve", button.group(1));
        Eventually.await("the window starts and is announced", WAIT, () -> posted("Maintenance started for *analytics*"));
        assertThat(ops(CAROL, "maintenance")).contains("In maintenance now").contains("Re-running the center import");
        assertThat(ops(ALICE, "maintenance end analytics")).contains("Ended");
    }

    @Test
    void theListShowsTheNextWindowsAndSkippingOneShowsTheOneAfter() throws Exception {
        // Wednesday 14 January 02:00 UTC and Sunday 18 January 02:00 UTC are the example's next windows
        // of analytics and data-import (cdc's weekly window starts then too: only data-import's line counts).
        assertThat(ops(CAROL, "maintenance")).contains("analytics-weekly").contains("cdc-weekly");
        assertThat(lineOf(ops(CAROL, "maintenance"), "data-import-weekly"))
                .contains("<!date^" + Instant.parse("2026-01-18T02:00:00Z").getEpochSecond());

        assertThat(ops(ALICE, "maintenance skip data-import-weekly")).contains("Skipped the occurrence of *data-import-weekly*");
        assertThat(lineOf(ops(ALICE, "maintenance"), "data-import-weekly"))
                .contains("<!date^" + Instant.parse("2026-01-25T02:00:00Z").getEpochSecond())
                .doesNotContain("<!date^" + Instant.parse("2026-01-18T02:00:00Z").getEpochSecond());
        assertThat(ops(ALICE, "maintenance skip data-import-weekly 2026-02-01")).contains("Skipped");
        assertThat(ops(ALICE, "maintenance skip data-import-weekly 2026-02-03")).contains("has no occurrence on 2026-02-03");
        assertThat(ops(ALICE, "maintenance skip nightly")).contains("There is no recurring window nightly")
                .contains("analytics-weekly");
    }

    @Test
    void startingEndingAndSkippingNeedTheMaintenancePermissionListingDoesNot() throws Exception {
        for (String command : List.of("maintenance start extraction 1h upgrade", "maintenance end extraction",
                "maintenance skip analytics-weekly")) {
            assertThat(ops(CAROL, command)).as(command).contains("You may not");
        }
        assertThat(ops(CAROL, "maintenance")).doesNotContain("You may not");
    }

    @Test
    void badTimesAreAnsweredWithWhatWasWrongAndAValidExample() throws Exception {
        assertThat(ops(ALICE, "maintenance start extraction tomorow 02:00 for 2h OS updates"))
                .contains("I can't read `tomorow 02:00` as a time").contains("/ops maintenance start cdc tomorrow 02:00 for 2h");
        assertThat(ops(ALICE, "maintenance start extraction 25:00 until 26:00 patching"))
                .contains("I can't read `25:00` as a time");
        assertThat(ops(ALICE, "maintenance start extraction 02:00 for soon patching"))
                .contains("`soon` is not a duration").contains("for 2h");
        assertThat(ops(ALICE, "maintenance start extraction patching the hosts"))
                .contains("I can't tell how long the maintenance lasts").contains("/ops maintenance start cdc 2h");
        assertThat(ops(ALICE, "maintenance start extraction 2h")).contains("Say why");
        assertThat(ops(ALICE, "maintenance start nowhere 2h why")).contains("There is no team `nowhere`");
        assertThat(ops(ALICE, "maintenance skip analytics-weekly 14.01.2026"))
                .contains("`14.01.2026` is not a date").contains("YYYY-MM-DD");
        assertThat(ops(ALICE, "maintenance start extraction 8d too long")).contains("at most 7 days");
        assertThat(ops(ALICE, "maintenance stop")).contains("`stop` is not something maintenance does");
    }

    @Test
    void aRecurringWindowWithSilenceSilencesItsLabelsInARealAlertmanagerAndAtItsEndExpiresItAndRunsItsRunbook()
            throws Exception {
        // Alertmanager refuses silences that end in the past: this bot runs on the wall clock, in a
        // window that started at the current minute.
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Path folder = Files.createTempDirectory("maintenance-e2e-runbooks");
        Files.writeString(folder.resolve("web-check.yaml"), """
                name: web-check
                title: Web — after maintenance
                team: web
                checks:
                  - name: Disk space
                    disk: {path: .}
                    crit: "> 100%"
                """);
        try (RealAlertmanager alertmanager = RealAlertmanager.start(); RateLimitedSlack ownSlack = new RateLimitedSlack()) {
            String config = """
                    roles: {responders: [U0ALICE001]}
                    teams:
                      web: {channel: "#web"}
                    routes: [{team: web}]
                    permissions: {maintenance: [responders]}
                    alertmanager-url: %s
                    maintenance:
                      - {name: web-nightly, team: web, cron: "%d %d * * *", duration: 1h, time-zone: UTC,
                         labels: {service: [web, "api.v2"]}, silence: true, then-run: web-check}
                    """.formatted(alertmanager.url, now.getMinute(), now.getHour());
            Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                    ownSlack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), folder,
                    Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
            Bot own = Bot.start(settings, ConfigParser.parse(config, "opsbot.yaml").require(), Clock.systemUTC());
            try {
                Eventually.await("the silence is created", WAIT, () -> silenceStates(alertmanager).equals(List.of("active")));
                JsonNode silence = JSON.readTree(alertmanager.silences()).get(0);
                assertThat(silence.path("status").path("state").asText()).isEqualTo("active");
                assertThat(silence.path("createdBy").asText()).isEqualTo("opsbot");
                assertThat(silence.path("comment").asText()).contains("web-nightly");
                assertThat(silence.path("matchers").get(0).path("name").asText()).isEqualTo("service");
                assertThat(silence.path("matchers").get(0).path("value").asText()).isEqualTo("web|api\\.v2");
                assertThat(silence.path("matchers").get(0).path("isRegex").asBoolean()).isTrue();
                Eventually.await("the start is announced", WAIT, () -> ownSlack.announcements().stream()
                        .anyMatch(c -> "#web".equals(c.get("channel")) && c.get("text").contains("Maintenance started for *web*")));

                HttpResponse<String> ended = send(signer.post(URI.create("http://localhost:" + own.port() + "/slack/events"),
                        SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, ALICE, "maintenance end")));
                assertThat(JSON.readTree(ended.body()).path("text").asText()).contains("Ended web-nightly");
                Eventually.await("the silence is expired", WAIT, () -> silenceStates(alertmanager).equals(List.of("expired")));
                Eventually.await("the window's runbook reports in the team's channel", WAIT, () -> ownSlack.calls().stream()
                        .filter(c -> "chat.update".equals(c.method()) || "chat.postMessage".equals(c.method()))
                        .anyMatch(c -> "#web".equals(c.get("channel")) && c.form().toString().contains("Web — after maintenance")));
            } finally {
                own.close();
                try (var files = Files.list(folder)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(folder);
            }
        }
    }

    private static List<String> silenceStates(RealAlertmanager alertmanager) {
        try {
            List<String> states = new java.util.ArrayList<>();
            JSON.readTree(alertmanager.silences()).forEach(n -> states.add(n.path("status").path("state").asText()));
            return states;
        } catch (Exception e) {
            return List.of(e.toString());
        }
    }
}
