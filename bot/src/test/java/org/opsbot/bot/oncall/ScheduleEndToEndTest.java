package org.opsbot.bot.oncall;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsbot.bot.Bot;
import org.opsbot.bot.Main;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layered schedules, overrides that start later, {@code /ops schedule} and the calendar feeds,
 * through signed requests, the command line and HTTP to one assembled bot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleEndToEndTest {
    private static final String SECRET = "schedule-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String PUBLIC = "https://opsbot.example.test";
    private static final String LEAD = "U0LEAD0001";
    private static final String CAROL = "U0CAROL001";
    private static final String DAVE = "U0DAVE0001";
    // Weekdays 09:00-18:00 Berlin the day team is on call; nobody otherwise: the gaps.
    private static final String YAML = """
            roles:
              leads: [U0LEAD0001]
            schedules:
              support:
                time-zone: Europe/Berlin
                layers:
                  - name: day team
                    rotation: daily
                    start: 2026-01-05
                    hand-off: "09:00"
                    members: [U0DAY00001, U0DAY00002]
                    restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:support"]}
            routes: [{team: cdc}]
            permissions:
              override: [leads]
              override.cancel: [leads]
            """;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: U0DAY00001 has the day shift.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private OpsbotConfig config;
    private String databaseUrl;
    private Path configFile;
    private Bot bot;

    @BeforeAll
    void start() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/users.info")).willReturn(okJson("""
                {"ok":true,"user":{"id":"U0LEAD0001","name":"lead","tz":"Europe/Berlin","tz_offset":3600}}""")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        configFile = Files.createTempDirectory("schedule-e2e").resolve("opsbot.yaml");
        Files.writeString(configFile, YAML);
        config = ConfigParser.parse(configFile).require();
        databaseUrl = TestDatabases.sqliteUrl();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, configFile, Files.createTempDirectory("runbooks"),
                Path.of("templates"), List.of(), Optional.of(TEAM), List.of(), HttpLimits.DEFAULT, List.of(), Optional.of(PUBLIC),
                Settings.DEFAULT_OVERRIDE_MAX);
        bot = Bot.start(settings, config, clock);
    }

    @AfterAll
    void stop() {
        bot.close();
        slack.stop();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
        StringBuilder shown = new StringBuilder(json.has("response_type") ? json.get("response_type").getAsString() + "\n" : "");
        shown.append(json.get("text").getAsString()).append('\n');
        if (json.has("blocks")) {
            json.getAsJsonArray("blocks").forEach(b -> shown.append(b).append('\n'));
        }
        return shown.toString().replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0027", "'");
    }

    private HttpResponse<String> get(String url) throws Exception {
        String local = url.replace(PUBLIC, "http://localhost:" + bot.port());
        return http.send(HttpRequest.newBuilder(URI.create(local)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main(Map.of("OPSBOT_DB", databaseUrl, "OPSBOT_CONFIG", configFile.toString(),
                "OPSBOT_PUBLIC_URL", PUBLIC))).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString().strip();
    }

    private List<OnCallOverride> overrides() {
        try (Database db = Database.openForTool(databaseUrl)) {
            return new org.opsbot.commands.escalation.Overrides(db, config,
                    new org.opsbot.commands.audit.AuditLog(db, clock), clock).endingAfter(clock.instant().minus(Duration.ofDays(7)));
        }
    }

    @Test
    void theScheduleShowsTheShiftsAndMarksTheGaps() throws Exception {
        String answer = ops("U0ALICE001", "schedule support");

        assertThat(answer).startsWith("ephemeral").contains("Schedule support", "next 2 weeks",
                "<@U0DAY00001>", "<@U0DAY00002>", "nobody on call (gap)", "<!date^", "/ops schedule url");
        assertThat(ops("U0ALICE001", "schedule cdc 1")).as("a team stands for its schedule").contains("next 1 week");
    }

    @Test
    void oncallAtATimeInAGapSaysTheTierReachesNobody() throws Exception {
        assertThat(ops(LEAD, "oncall cdc at 2026-01-14 03:00"))
                .contains("schedule support has nobody on call", "reaches nobody* until <!date^1768377600");
        assertThat(ops(LEAD, "oncall cdc at 2026-01-14 10:00")).contains("<@U0DAY00002>").doesNotContain("reaches nobody");
    }

    @Test
    void anOverrideThatStartsLaterIsListedToEveryoneAndTheCoveredPersonCancelsIt() throws Exception {
        String made = ops(LEAD, "override support <@U0CAROL001|carol> sat 09:00 until sun 09:00");

        assertThat(made).contains("Done:", "<@U0CAROL001> will be on call for schedule `support` from <!date^1768636800");
        Matcher id = Pattern.compile("override cancel (\\d+)").matcher(made);
        assertThat(id.find()).as(made).isTrue();
        String list = ops("U0ALICE001", "override list support");
        assertThat(list).contains("*" + id.group(1) + "* · `support` · <@U0CAROL001>");
        assertThat(ops(LEAD, "oncall cdc at sat 12:00")).contains("<@U0CAROL001> (override of schedule support");

        assertThat(ops(DAVE, "override cancel " + id.group(1))).contains("is not yours to cancel");
        assertThat(ops(CAROL, "override cancel " + id.group(1))).contains("Done:", "was cancelled by <@U0CAROL001>");
        assertThat(ops("U0ALICE001", "override list")).doesNotContain("* · `support` · <@U0CAROL001>");
        assertThat(ops(LEAD, "oncall cdc at sat 12:00")).contains("reaches nobody");
    }

    @Test
    void anOverrideForADurationFromALaterTimeCoversPartOfAShift() throws Exception {
        String made = ops(LEAD, "override cdc <@U0DAVE0001|dave> tomorrow 12:00 for 2h");

        assertThat(made).contains("Done:", "<@U0DAVE0001> will be on call for *cdc*", "instead of <@U0DAY00002>");
        assertThat(ops(LEAD, "oncall cdc at 2026-01-14 13:00")).contains("<@U0DAVE0001>");
        assertThat(ops(LEAD, "oncall cdc at 2026-01-14 15:00")).contains("<@U0DAY00002>");
        assertThat(ops("U0ALICE001", "schedule support")).contains("<@U0DAVE0001> _(override");
    }

    @Test
    void cancellingAnOverrideThatFilledAGapInTheNextDaySaysItLeavesNobodyOnCall() throws Exception {
        String made = ops(LEAD, "override support <@U0CAROL001|carol> 19:00 for 2h");
        Matcher id = Pattern.compile("override cancel (\\d+)").matcher(made);
        assertThat(id.find()).as(made).isTrue();

        String cancelled = ops(LEAD, "override cancel " + id.group(1));

        // 19:00-21:00 Berlin on Tuesday 13 January is 18:00-20:00 UTC.
        assertThat(cancelled).contains("Done:", "That leaves nobody on call <!date^1768327200", "<!date^1768334400");
    }

    @Test
    void badTimesUnknownPeopleAndMissingRolesSayWhatIsWrongWithAnExample() throws Exception {
        assertThat(ops(LEAD, "override support <@U0CAROL001|carol> teatime until 18:00"))
                .contains("can't read `teatime` as a time", "tomorrow 09:00");
        assertThat(ops(LEAD, "override support carol 2h")).contains("is not a person", "/ops override cdc @alice");
        assertThat(ops(LEAD, "override support <@U0CAROL001|carol> sat 09:00")).contains("`until <time>` or `for <duration>`");
        assertThat(ops(LEAD, "override support <@U0CAROL001|carol> sat 09:00 for soon")).contains("is not a duration", "`8h`");
        assertThat(ops(LEAD, "override support <@U0CAROL001|carol> sat 09:00 for 40d")).contains("between a minute and 31d");
        assertThat(ops(LEAD, "override nosuch <@U0CAROL001|carol> 2h")).contains("There is no team or schedule `nosuch`", "support");
        assertThat(ops(LEAD, "override cancel soon")).contains("is not an override id", "/ops override cancel 12");
        assertThat(ops(LEAD, "override cancel 999")).contains("There is no override 999");
        assertThat(ops("U0ALICE001", "override support <@U0CAROL001|carol> 2h")).contains(":no_entry:", "leads")
                .doesNotContain("Done:");
        assertThat(ops("U0ALICE001", "schedule nosuch")).contains("There is no schedule `nosuch`", "/ops schedule support");
        assertThat(ops("U0ALICE001", "schedule support 99")).contains("is not a number of weeks", "/ops schedule support 4");
    }

    @Test
    void aScheduleFeedOpensWithItsTokenShowsTheShiftsAndStopsWhenRevoked() throws Exception {
        String url = cli("calendar-url", "support");
        assertThat(url).startsWith(PUBLIC + "/calendar/").endsWith(".ics");

        var captured = new java.io.ByteArrayOutputStream();
        var original = System.err;
        HttpResponse<String> feed;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            feed = get(url);
            // The access log writes its line once the response has left, so it may come a moment later.
            org.opsbot.bot.testing.Eventually.await("the access log line", Duration.ofSeconds(10),
                    () -> captured.toString(java.nio.charset.StandardCharsets.UTF_8).contains("GET /calendar/"));
        } finally {
            System.setErr(original);
        }
        String token = url.substring(url.lastIndexOf('/') + 1, url.length() - ".ics".length());
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).as("the access log")
                .contains("GET /calendar/*** 200").doesNotContain(token);
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/calendar"));
        ICalendar calendar = Biweekly.parse(feed.body()).first();
        assertThat(calendar).as(feed.body()).isNotNull();
        List<VEvent> shifts = calendar.getEvents().stream().filter(e -> e.getSummary().getValue().startsWith("On call:")).toList();
        List<Shift> expected = Rotation.shifts(config.schedules().get("support"), overrides(),
                clock.instant().minus(CalendarFeed.PAST), clock.instant().plus(CalendarFeed.AHEAD));
        assertThat(shifts).extracting(e -> e.getDateStart().getValue().toInstant(), e -> e.getDateEnd().getValue().toInstant(),
                        e -> e.getSummary().getValue().replaceFirst(" \\(override \\d+\\)", ""))
                .containsExactlyInAnyOrderElementsOf(expected.stream()
                        .map(s -> org.assertj.core.groups.Tuple.tuple(s.from(), s.until(), "On call: " + s.user())).toList());
        assertThat(calendar.getEvents()).as("the gaps are events too")
                .anySatisfy(e -> assertThat(e.getSummary().getValue()).isEqualTo("Nobody on call (support)"));

        assertThat(get(PUBLIC + "/calendar/" + "A".repeat(43) + ".ics").statusCode()).as("unknown token").isEqualTo(404);
        assertThat(get(PUBLIC + "/calendar/.ics").statusCode()).as("no token").isEqualTo(404);
        assertThat(get(url.replace(".ics", "")).statusCode()).as("not an .ics").isEqualTo(404);

        assertThat(cli("calendar-revoke", "support")).contains("Revoked 1 address");
        assertThat(get(url).statusCode()).as("revoked").isEqualTo(404);
    }

    @Test
    void aPersonGetsTheirOwnFeedOnlyToThemAndItHoldsOnlyTheirShifts() throws Exception {
        String answer = ops("U0DAY00001", "schedule url");

        assertThat(answer).startsWith("ephemeral").contains(PUBLIC + "/calendar/");
        Matcher url = Pattern.compile(Pattern.quote(PUBLIC) + "/calendar/[A-Za-z0-9_-]+\\.ics").matcher(answer);
        assertThat(url.find()).isTrue();
        HttpResponse<String> feed = get(url.group());
        assertThat(feed.statusCode()).isEqualTo(200);
        List<VEvent> events = Biweekly.parse(feed.body()).first().getEvents();
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getSummary().getValue()).startsWith("On call: support");
            assertThat(e.getDescription().getValue()).contains("U0DAY00001");
        });

        assertThat(cli("calendar-revoke", "@U0DAY00001")).contains("Revoked 1 address");
        assertThat(get(url.group()).statusCode()).isEqualTo(404);
    }
}
