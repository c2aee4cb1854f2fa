package org.opsbot.bot.oncall;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /ops oncall} and {@code /ops override} through signed requests to the assembled bot. */
class OnCallEndToEndTest {
    private static final String SECRET = "oncall-e2e-secret";
    private static final String TEAM = "T0E2E00001";

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 11:00 in Berlin: Bob has the cdc-primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    // Signed at wall-clock time, as Slack signs; the bot's features run on the moved clock.
    private final SlackSigner signer = new SlackSigner(SECRET);
    private Bot bot;
    @org.junit.jupiter.api.io.TempDir
    Path runbooks;

    @BeforeEach
    void start() {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/users.info")).willReturn(okJson("""
                {"ok":true,"user":{"id":"U0ALICE001","name":"alice","tz":"America/New_York","tz_offset":-18000}}""")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("""
                {"ok":true,"usergroups":[{"id":"S0MGRS0001","handle":"infra-managers","users":["U0MGR00001"]}]}""")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigLoader.bundledExample().require(), clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.stop();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        // What the user reads: the blocks' texts, after JSON's escapes.
        var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
        StringBuilder shown = new StringBuilder(json.has("response_type") ? json.get("response_type").getAsString() + "\n" : "");
        shown.append(json.get("text").getAsString()).append('\n');
        if (json.has("blocks")) {
            json.getAsJsonArray("blocks").forEach(b -> shown.append(b).append('\n'));
        }
        return shown.toString().replace("\\u003c", "<").replace("\\u003e", ">");
    }

    private String answer(String text) {
        try {
            return ops("U0ALICE001", text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oncallShowsEachTierWithWhoItWouldNotifyNow() throws Exception {
        String answer = ops("U0ALICE001", "oncall cdc");

        assertThat(answer).startsWith("ephemeral").contains("On call now",
                "1. *On-call engineer* · at once → <@U0BOB00001> (schedule cdc-primary, until <!date^1768809600",
                "3. *Team lead* · after 30m → <@U0LEAD0001>",
                "5. *CTO* · after 1h · alerts labelled category=data-loss|security only → <@U0CTO00001>");
    }

    @Test
    void whoAndWhoisoncallAnswerAsOncall() throws Exception {
        // The user groups are read in the background at start; compare once they are known,
        // or a first answer before and a second after would differ for that reason alone.
        Eventually.await("the user groups to be known", Duration.ofSeconds(10),
                () -> !answer("oncall cdc").contains("not known yet"));
        String oncall = ops("U0ALICE001", "oncall cdc");

        assertThat(ops("U0ALICE001", "who cdc")).isEqualTo(oncall);
        assertThat(ops("U0ALICE001", "whoisoncall cdc")).isEqualTo(oncall);
        assertThat(ops("U0ALICE001", "help who")).contains("`/ops oncall", "(also: `/ops who`, `/ops whoisoncall`)");
    }

    @Test
    void oncallAtATimeIsReadInTheCallersSlackTimeZone() throws Exception {
        // 09:00 in New York on Monday 19 January is 14:00 UTC: after the Monday 08:00 UTC hand-off.
        String answer = ops("U0ALICE001", "oncall cdc at 2026-01-19 09:00");

        assertThat(answer).contains("On call at <!date^1768831200", "a dry run", "→ <@U0ALICE001> (schedule cdc-primary");
        String early = ops("U0ALICE001", "oncall cdc at 2026-01-19 02:00");
        assertThat(early).contains("→ <@U0BOB00001> (schedule cdc-primary");
    }

    @Test
    void anOverrideByAnApproverTakesTheShiftAndIsAnnouncedInTheTeamChannel() throws Exception {
        String answer = ops("U0LEAD0001", "override cdc <@U0CAROL001|carol> 2h");

        assertThat(answer).contains("Done:", "<@U0CAROL001> is on call for *cdc*");
        Eventually.await("announcement posted", Duration.ofSeconds(10),
                () -> !slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).isEmpty());
        var post = slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).getFirst();
        String body = URLDecoder.decode(post.getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(body).contains("channel=#cdc-alerts", "<@U0CAROL001> is on call for *cdc*", "instead of <@U0BOB00001>",
                "Set by <@U0LEAD0001>");

        assertThat(ops("U0ALICE001", "oncall cdc")).contains("→ <@U0CAROL001> (override of schedule cdc-primary by U0LEAD0001");
        clock.advance(Duration.ofHours(2));
        assertThat(ops("U0ALICE001", "oncall cdc")).as("it ends by itself").contains("→ <@U0BOB00001> (schedule cdc-primary");
    }

    @Test
    void anOverrideBySomeoneWithoutTheRoleIsDeniedAndChangesNothing() throws Exception {
        String answer = ops("U0ALICE001", "override cdc <@U0CAROL001|carol> 2h");

        assertThat(answer).contains("approvers").doesNotContain("Done:");
        assertThat(ops("U0ALICE001", "oncall cdc")).contains("→ <@U0BOB00001>");
    }

    @Test
    void badOverridesSayWhatIsWrong() throws Exception {
        assertThat(ops("U0LEAD0001", "override cdx <@U0CAROL001|carol> 2h")).contains("There is no team or schedule `cdx`");
        assertThat(ops("U0LEAD0001", "override cdc carol 2h")).contains("is not a person");
        assertThat(ops("U0LEAD0001", "override cdc <@U0CAROL001|carol> soon")).contains("is not a duration");
        assertThat(ops("U0LEAD0001", "override cdc <@U0CAROL001|carol> 90d")).contains("between a minute and 31d");
        assertThat(ops("U0ALICE001", "oncall cdc at teatime")).contains("can't read `teatime`");
    }
}
