package org.opsbot.bot.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.alert.ShippedAlertRules;
import org.opsbot.commands.alert.ShippedAlertRules.Rule;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when", through the doors people and Prometheus use: the bot runs the shipped
 * {@code opsbot.example.yaml} and {@code runbooks/}, and an Alertmanager webhook carries an alert
 * of every rule shipped under {@code deploy/prometheus/}. Each reaches its own team's channel and
 * pages the first tier of that team that applies at a moment the test's clock chooses: seed 004's
 * and seed 000's lowest levels page nobody before business hours (07:30 in Berlin) and the rest
 * page at 11:00. A team's alerts are held by {@code /ops maintenance start} and page when the
 * window ends; a heartbeat of the test's own is missed and then resolved by its check-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedsEndToEndTest {
    private static final String SECRET = "seeds-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "webhook-token";
    private static final String BEAT_TOKEN = "beat-token";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ALICE = "U0ALICE001"; // a responder
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The team whose maintenance window holds its alerts. */
    private static final String HELD = "cdc";

    /** Each seed's team: its channel, and who is on call at 11:00 in Berlin on Tuesday 13 January 2026. */
    private record Team(String channel, String onCall) {
    }

    private static final Map<String, Team> TEAMS = Map.of(
            "cdc", new Team("#cdc-alerts", "U0BOB00001"),                // weekly from Monday 12th
            "extraction", new Team("#extraction-alerts", "U0CAROL001"),  // daily, Tuesday's shift from 09:00
            "analytics", new Team("#analytics-alerts", "U0FRANK001"),
            "data-import", new Team("#ops-oncall", "U0HEIDI001"),
            "data-sync", new Team("#data-sync", "U0JUDY0001"));

    /**
     * The first tier that pages for a team and an alert's severity label, as each seed writes it;
     * empty: by design nobody before business hours.
     */
    private static String firstTier(String team, String severity) {
        return switch (team + "/" + severity) {
            case "cdc/critical", "cdc/warning" -> "Tier 1 (On-call engineer)";
            case "extraction/critical" -> "Tier 1 (On-call engineer)";
            case "extraction/warning" -> "Tier 2 (On-call engineer (business hours))";
            case "analytics/critical", "analytics/warning" -> "Tier 1 (On-call engineer)";
            case "data-import/S1", "data-import/S2", "data-import/S3" -> "Tier 1 (Primary on-call)";
            case "data-sync/P0", "data-sync/P1" -> "Tier 1 (Development team)";
            case "data-sync/P2" -> "Tier 2 (Development team (business hours))";
            default -> throw new AssertionError("no expectation for " + team + "/" + severity + ": add it");
        };
    }

    /** Rules whose tiers are limited to business hours: seed 004's P2, seed 000's P2. */
    private static boolean businessHoursOnly(Rule rule) {
        return firstTier(rule.labels().get("team"), rule.labels().get("severity")).contains("business hours");
    }

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    // Tuesday 13 January 2026, 07:30 in Berlin: before business hours.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T06:30:00Z"));
    private final List<Rule> rules = ShippedAlertRules.all();
    private Bot bot;

    @BeforeAll
    void start() throws Exception {
        // The shipped example with one heartbeat of the test's own, expected hourly.
        String config = ConfigLoader.exampleText().replace("heartbeats:\n",
                "heartbeats:\n  - {name: seeds-e2e, team: data-sync, every: 1h}\n");
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), Path.of("..", "runbooks"),
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM), List.of(), HttpLimits.DEFAULT,
                List.of(BEAT_TOKEN));
        bot = Bot.start(settings, ConfigParser.parse(config, "opsbot.yaml").require(), clock);
    }

    @AfterAll
    void stop() {
        bot.close();
        slack.close();
    }

    @Test
    void everyShippedRuleReachesItsTeamAndPagesItsFirstTierMaintenanceHoldsAndAHeartbeatOpensAndResolves()
            throws Exception {
        assertThat(rules).extracting(r -> r.labels().get("team")).containsAll(TEAMS.keySet());
        assertThat(beat("seeds-e2e").statusCode()).isEqualTo(200);

        // 07:30 in Berlin: the business-hours-only rules are posted, and page nobody.
        List<Rule> night = rules.stream().filter(SeedsEndToEndTest::businessHoursOnly).toList();
        assertThat(night).extracting(Rule::alert).contains("ExtractionSlow", "ExtractionPartialFailure", "RecordCountDropped");
        for (Rule rule : night) {
            fire(rule);
        }
        for (Rule rule : night) {
            Eventually.await(rule.alert() + " posted to its team's channel", WAIT, () -> parent(rule).isPresent());
        }
        Thread.sleep(3_000); // the escalation loop looks every 250 ms
        for (Rule rule : night) {
            assertThat(pageNotes(rule)).as(rule.alert() + " pages nobody before business hours").isEmpty();
        }

        // 11:00 in Berlin. The test's heartbeat last checked in three and a half hours ago. CDC (the
        // team with the fewest rules, so its channel is done soonest) is in maintenance: its alerts
        // are posted, marked, and page nobody until it ends; every other rule pages its team's first
        // tier now. All of it is sent at once: each channel keeps its own pace, so the teams'
        // channels fill side by side.
        clock.advance(Duration.ofMinutes(210));
        bot.wakeScheduler();
        assertThat(ops(ALICE, "maintenance start " + HELD + " 1h Patching the Kafka Connect hosts")).contains("nobody is paged");
        List<Rule> held = rules.stream().filter(r -> r.labels().get("team").equals(HELD)).toList();
        List<Rule> day = rules.stream().filter(r -> !businessHoursOnly(r) && !held.contains(r)).toList();
        for (Rule rule : held) {
            fire(rule);
        }
        for (Rule rule : day) {
            fire(rule);
        }
        Eventually.await("the missed heartbeat is posted to data-sync's channel", WAIT, () -> slack.channelPosts().stream()
                .anyMatch(c -> c.get("channel").equals("#data-sync") && all(c).contains("Heartbeat seeds-e2e missed")));
        assertThat(beat("seeds-e2e").statusCode()).isEqualTo(200);
        for (Rule rule : held) {
            Eventually.await(rule.alert() + " posted, in maintenance", WAIT,
                    () -> parent(rule).filter(p -> all(p).contains("In maintenance")).isPresent()
                            || updates(rule).stream().anyMatch(u -> all(u).contains("In maintenance")));
        }
        // A page's direct message has a pace of its own, so it would be here by now; the held team's
        // on-call is paged for nothing else.
        String heldOnCall = TEAMS.get(HELD).onCall();
        assertThat(slack.directMessages()).as(HELD + "'s alerts are held by the window")
                .noneMatch(c -> c.get("channel").equals(heldOnCall));
        for (Rule rule : held) {
            assertThat(pageNotes(rule)).as(rule.alert() + " is held by the window").isEmpty();
        }

        assertThat(ops(ALICE, "maintenance end " + HELD)).contains("Ended");
        for (Rule rule : day) {
            expectPaged(rule);
        }
        for (Rule rule : held) {
            expectPaged(rule);
        }
        Eventually.await("the check-in resolves the missed heartbeat", WAIT, () -> slack.calls("chat.update").stream()
                .anyMatch(u -> all(u).contains("Heartbeat seeds-e2e missed") && all(u).contains("Resolved")));
        for (Rule rule : night) {
            assertThat(pageNotes(rule)).as(rule.alert() + ": its tiers were passed over, business hours do not bring them back")
                    .isEmpty();
        }
    }

    private void expectPaged(Rule rule) throws Exception {
        String team = rule.labels().get("team");
        String tier = firstTier(team, rule.labels().get("severity"));
        String onCall = TEAMS.get(team).onCall();
        Eventually.await(rule.alert() + " pages " + tier + " of " + team + ": " + onCall, WAIT,
                () -> pageNotes(rule).stream().anyMatch(n -> n.get("text").startsWith(":mega: " + tier + " paged <@" + onCall + ">")));
        assertThat(slack.directMessages()).as(rule.alert() + ": a page DM to " + onCall)
                .anyMatch(c -> c.get("channel").equals(onCall));
    }

    private void fire(Rule rule) throws Exception {
        ObjectNode labels = JSON.valueToTree(rule.alertLabels());
        ObjectNode alert = JSON.createObjectNode().put("status", "firing");
        alert.set("labels", labels);
        alert.set("annotations", JSON.valueToTree(rule.annotations()));
        alert.put("startsAt", clock.instant().toString()).put("endsAt", "0001-01-01T00:00:00Z")
                .put("generatorURL", "http://prometheus:9090/graph?g0.expr=" + rule.alert())
                .put("fingerprint", Integer.toHexString(rule.alert().hashCode()));
        ObjectNode body = JSON.createObjectNode().put("receiver", "opsbot").put("status", "firing");
        ArrayNode alerts = body.putArray("alerts");
        alerts.add(alert);
        body.set("groupLabels", JSON.createObjectNode().put("alertname", rule.alert()));
        body.set("commonLabels", labels);
        body.set("commonAnnotations", JSON.createObjectNode());
        body.put("externalURL", "http://127.0.0.1:1").put("version", "4")
                .put("groupKey", "{}:{alertname=\"" + rule.alert() + "\"}").put("truncatedAlerts", 0);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).as(rule.alert()).contains("\"accepted\":1");
    }

    /** The group's message in its own team's channel (and nowhere else). */
    private Optional<RateLimitedSlack.Call> parent(Rule rule) {
        String channel = TEAMS.get(rule.labels().get("team")).channel();
        // An alert group's message carries its colour as an attachment; ServiceDown is not APIServiceDown.
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("(?<![A-Za-z])" + rule.alert() + "(?![A-Za-z])");
        List<RateLimitedSlack.Call> posts = slack.channelPosts().stream().filter(c -> !c.isReply())
                .filter(c -> c.get("attachments") != null && name.matcher(all(c)).find()).toList();
        assertThat(posts).as(rule.alert() + " is posted once, to " + channel).allMatch(c -> c.get("channel").equals(channel))
                .hasSizeLessThanOrEqualTo(1);
        return posts.stream().findFirst();
    }

    private List<RateLimitedSlack.Call> updates(Rule rule) {
        return parent(rule).map(p -> slack.calls("chat.update").stream().filter(u -> slack.tsOf(p).equals(u.get("ts"))).toList())
                .orElse(List.of());
    }

    /** The notes escalation posted in the group's thread when it paged a tier. */
    private List<RateLimitedSlack.Call> pageNotes(Rule rule) {
        return parent(rule).map(p -> slack.pageNotes().stream().filter(n -> slack.tsOf(p).equals(n.get("thread_ts"))).toList())
                .orElse(List.of());
    }

    private static String all(RateLimitedSlack.Call c) {
        return c.get("text") + "\n" + c.get("blocks") + "\n" + c.get("attachments");
    }

    private HttpResponse<String> beat(String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bot.port() + "/heartbeats/" + name))
                .header("Authorization", "Bearer " + BEAT_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("text").asText();
    }
}
