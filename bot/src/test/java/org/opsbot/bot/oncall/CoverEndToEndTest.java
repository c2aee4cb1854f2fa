package org.opsbot.bot.oncall;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cover requests through signed {@code /ops cover} commands and signed clicks on Take it: the
 * first other member who clicks covers it by an override, a second click is thanked politely.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoverEndToEndTest {
    private static final String SECRET = "cover-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";
    private static final String CAROL = "U0CAROL001";
    private static final String DAVE = "U0DAVE0001";
    private static final Pattern TAKE = Pattern.compile("\"action_id\":\"oncall.take-cover\"[^}]*?\"value\":\"(\\d+)\"");
    private static final String YAML = """
            schedules:
              cdc-primary:
                time-zone: Europe/Berlin
                rotation: weekly
                start: 2026-01-05
                hand-off: "Mon 09:00"
                members: [U0ALICE001, U0BOB00001, U0CAROL001]
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:cdc-primary"]}
            routes: [{team: cdc}]
            """;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private OpsbotConfig config;
    private String databaseUrl;
    private Bot bot;

    @BeforeAll
    void start() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).willReturn(okJson("{\"ok\":true}")));
        slack.stubFor(post(urlPathEqualTo("/api/users.info")).willReturn(okJson("""
                {"ok":true,"user":{"id":"U0ALICE001","name":"alice","tz":"Europe/Berlin","tz_offset":3600}}""")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        Path configFile = Files.createTempDirectory("cover-e2e").resolve("opsbot.yaml");
        Files.writeString(configFile, YAML);
        config = ConfigParser.parse(configFile).require();
        databaseUrl = TestDatabases.sqliteUrl();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, configFile, Files.createTempDirectory("runbooks"),
                Path.of("templates"), List.of(), Optional.of(TEAM), List.of(), HttpLimits.DEFAULT, List.of(), Optional.empty(),
                Settings.DEFAULT_OVERRIDE_MAX);
        bot = Bot.start(settings, config, clock);
    }

    @AfterAll
    void stop() {
        bot.close();
        slack.stop();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = send(SlackPayloads.slashCommand(TEAM, user, text));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0027", "'");
    }

    private HttpResponse<String> click(String user, String requestId) throws Exception {
        return send(SlackPayloads.blockActions(TEAM, user, CoverMessages.TAKE, requestId));
    }

    private HttpResponse<String> send(String body) throws Exception {
        return http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> calls(String method) {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/" + method))).stream().map(LoggedRequest::getBodyAsString)
                .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    private List<String> calls(String method, String containing) {
        return calls(method).stream().filter(b -> b.contains(containing)).toList();
    }

    private List<OnCallOverride> overrides() {
        try (Database db = Database.openForTool(databaseUrl)) {
            return new Overrides(db, config, new AuditLog(db, clock), clock).endingAfter(clock.instant());
        }
    }

    private String requestFor(String reason) {
        Eventually.await("the cover request in #cdc", Duration.ofSeconds(20), () -> !calls("chat.postMessage", reason).isEmpty());
        Matcher take = TAKE.matcher(calls("chat.postMessage", reason).getFirst());
        assertThat(take.find()).as("a Take it button").isTrue();
        return take.group(1);
    }

    @Test
    void theFirstMemberToTakeACoverRequestCoversItAndTheSecondIsThanked() throws Exception {
        assertThat(ops(ALICE, "cover tomorrow 09:00 until 18:00 dentist appointment"))
                .contains("Asked for cover of `cdc-primary`", "I will tell you who takes it");
        String id = requestFor("dentist appointment");
        assertThat(calls("chat.postMessage", "dentist appointment").getFirst()).contains("channel=#cdc")
                .contains("asks for cover of schedule `cdc-primary`");

        // Bob and Carol click at the same moment: one covers it, the other is thanked.
        List<HttpResponse<String>> clicks = List.of(CompletableFuture.supplyAsync(() -> sneaky(() -> click(BOB, id))),
                        CompletableFuture.supplyAsync(() -> sneaky(() -> click(CAROL, id))))
                .stream().map(CompletableFuture::join).toList();
        assertThat(clicks).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        Eventually.await("both clickers answered", Duration.ofSeconds(20),
                () -> calls("chat.postEphemeral", "Thank you").size() == 2);

        List<OnCallOverride> made = overrides();
        assertThat(made).singleElement().satisfies(o -> {
            assertThat(o.user()).isIn(BOB, CAROL);
            assertThat(o.createdBy()).isEqualTo(o.user());
            assertThat(o.from()).isEqualTo(Instant.parse("2026-01-14T08:00:00Z"));
            assertThat(o.until()).isEqualTo(Instant.parse("2026-01-14T17:00:00Z"));
        });
        String taker = made.getFirst().user();
        assertThat(calls("chat.postEphemeral", "already taken this one")).singleElement().asString()
                .contains("<@" + taker + "> has already taken");
        Eventually.await("the request updated and Alice told", Duration.ofSeconds(20),
                () -> !calls("chat.update", "<@" + taker + "> covers").isEmpty()
                        && !calls("chat.postMessage", "took your cover request").isEmpty());
        assertThat(calls("chat.postMessage", "took your cover request")).singleElement().asString()
                .contains("<@" + taker + ">");

        // Clicked again later, by the same person: still polite, and nothing more is made.
        click(taker, id);
        Eventually.await("the second click answered", Duration.ofSeconds(20),
                () -> !calls("chat.postEphemeral", "you have already taken this one").isEmpty());
        assertThat(overrides()).hasSize(1);
    }

    @Test
    void aRequesterCannotTakeTheirOwnAndStrangersCannotTakeAny() throws Exception {
        ops(ALICE, "cover sat 09:00 for 8h family visit");
        String id = requestFor("family visit");
        click(ALICE, id);
        click(DAVE, id);
        Eventually.await("both refused", Duration.ofSeconds(20),
                () -> !calls("chat.postEphemeral", "your own request").isEmpty()
                        && !calls("chat.postEphemeral", "Only members of schedule").isEmpty());
        assertThat(overrides()).noneMatch(o -> o.user().equals(ALICE) || o.user().equals(DAVE));
    }

    @Test
    void badCoverRequestsAreAnsweredWithWhatWasWrong() throws Exception {
        assertThat(ops(DAVE, "cover sat 09:00 for 8h")).contains("You are in no on-call schedule");
        assertThat(ops(ALICE, "cover sat 09:00")).contains("Say when");
        assertThat(ops(ALICE, "cover sat 09:00 for soon")).contains("is not a duration");
        assertThat(ops(ALICE, "cover sat 09:00 until whenever")).contains("`14:00`");
        assertThat(ops(ALICE, "cover sat 09:00 for 40d")).contains("Cover lasts at most");
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T sneaky(Call<T> call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
