package org.opsbot.bot.oncall;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schedule's {@code slack-usergroup} kept equal to who is on call, against the stand-in Slack:
 * set at start-up, changed by one {@code usergroups.users.update} when a signed {@code /ops
 * override} puts someone else on call, not asked again after a restart, and set back when the
 * override ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnCallGroupEndToEndTest {
    private static final String SECRET = "oncall-group-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String ALICE = "U0ALICE001";
    private static final String CAROL = "U0CAROL001";
    private static final String DAVE = "U0DAVE0001";
    private static final String LEAD = "U0LEAD0001";
    // @cdc-oncall and @night-oncall, in the order the stand-in gives them ids.
    private static final String CDC_GROUP = "S000000001";
    private static final String NIGHT_GROUP = "S000000002";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String YAML = """
            slack:
              default-channel: "#ops"
            roles:
              leads: [U0LEAD0001]
            permissions:
              override: [leads]
            schedules:
              cdc-primary:
                time-zone: Europe/Berlin
                rotation: weekly
                start: 2026-01-05
                hand-off: "Mon 09:00"
                slack-usergroup: cdc-oncall
                members: [U0ALICE001, U0BOB00001]
            %s
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:cdc-primary"]}
            routes: [{team: cdc}]
            """;
    // Added for the restart: its group being set shows the restarted bot's first round has run.
    // Nights only, so at 10:00 UTC it is in a gap: Dave, on call last night, stays in the group.
    private static final String NIGHT = """
              night:
                time-zone: UTC
                slack-usergroup: night-oncall
                layers:
                  - rotation: daily
                    start: 2026-01-05
                    members: [U0DAVE0001]
                    restrict: {from: "20:00", to: "06:00"}
            """.stripTrailing();

    private final RateLimitedSlack slack = new RateLimitedSlack().channels("#cdc").usergroups("U0NOBODY01", "cdc-oncall", "night-oncall")
            // A token installed from a manifest older than usergroups:write.
            .scopes("commands,chat:write,usergroups:read");
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 6 January 2026, 11:00 in Berlin: Alice has the first week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-06T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final String databaseUrl = TestDatabases.sqliteUrl();
    private Bot bot;

    @BeforeAll
    void start() throws Exception {
        bot = start("");
    }

    private Bot start(String extraSchedules) throws Exception {
        Path configFile = Files.createTempDirectory("oncall-group-e2e").resolve("opsbot.yaml");
        Files.writeString(configFile, YAML.formatted(extraSchedules));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, databaseUrl, configFile, Files.createTempDirectory("runbooks"),
                Path.of("templates"), List.of(), Optional.of(TEAM), List.of(), HttpLimits.DEFAULT, List.of(), Optional.empty(),
                Settings.DEFAULT_OVERRIDE_MAX);
        return Bot.start(settings, ConfigParser.parse(configFile).require(), clock);
    }

    @AfterAll
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replace("\\u003c", "<").replace("\\u003e", ">");
    }

    private List<String> membersSet(String group) {
        return slack.calls("usergroups.users.update").stream().filter(c -> group.equals(c.get("usergroup")))
                .map(c -> c.get("users")).toList();
    }

    private List<RateLimitedSlack.Call> gapPosts() {
        return slack.calls("chat.postMessage").stream().filter(c -> c.get("text") != null && c.get("text").startsWith(":warning: Nobody is on call")).toList();
    }

    private void awaitOutboxEmpty() {
        OutboxStore outbox = new OutboxStore(bot.database(), clock);
        Eventually.await("the outbox to be empty", WAIT, () -> outbox.depth().pending() == 0);
    }

    @Test
    void readinessWarnsThatTheAppLacksTheScopeToKeepTheGroup() {
        Eventually.await("/health/ready to warn of usergroups:write", WAIT, () -> ready().contains("usergroups:write"));
        assertThat(ready()).contains("\"status\":\"UP\"").contains("the app lacks the usergroups:write scope, so @cdc-oncall");
    }

    private String ready() {
        try {
            return http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOverrideChangesTheGroupOnceAndARestartDoesNotAskAgain() throws Exception {
        Eventually.await("@cdc-oncall set to Alice at start-up", WAIT, () -> membersSet(CDC_GROUP).equals(List.of(ALICE)));

        assertThat(ops(LEAD, "override cdc <@" + CAROL + "|carol> 2h")).contains("Done:");
        Eventually.await("@cdc-oncall set to Carol", WAIT, () -> membersSet(CDC_GROUP).size() == 2);
        assertThat(membersSet(CDC_GROUP)).containsExactly(ALICE, CAROL);

        awaitOutboxEmpty();
        bot.close();
        bot = start(NIGHT);
        Eventually.await("the restarted bot's first round (it sets the new @night-oncall)", WAIT,
                () -> membersSet(NIGHT_GROUP).equals(List.of(DAVE)));
        awaitOutboxEmpty();
        assertThat(membersSet(CDC_GROUP)).as("Carol is still on call: nothing asked again").containsExactly(ALICE, CAROL);
        Eventually.await("the night gap said", WAIT, () -> !gapPosts().isEmpty());
        assertThat(gapPosts())
                .singleElement().satisfies(c -> assertThat(c.get("channel")).isEqualTo("#ops"))
                .satisfies(c -> assertThat(c.get("text")).contains("schedule `night`", "@night-oncall still reaches <@" + DAVE + ">"));

        clock.advance(Duration.ofHours(2));
        Eventually.await("@cdc-oncall back to Alice when the override ends", WAIT, () -> membersSet(CDC_GROUP).size() == 3);
        assertThat(membersSet(CDC_GROUP)).containsExactly(ALICE, CAROL, ALICE);
    }
}
