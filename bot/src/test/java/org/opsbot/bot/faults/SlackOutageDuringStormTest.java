package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.TestDatabases;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack's Web API goes away in the middle of an alert storm: first refusing connections (its
 * server stopped), then resetting them (a new server on the same port that resets everything),
 * then back, losing the answers to the first posts it acts on. Alertmanager's webhooks keep
 * arriving throughout. Every one is accepted, and once Slack is back everything is posted:
 * nothing lost, nothing twice, each thread in the order its replies were created, and soon.
 */
class SlackOutageDuringStormTest {
    private static final List<String> ALERTNAMES = List.of("DiskFull", "LatencyHigh");
    // Two waves while Slack refuses connections and two while it resets them: each thread then
    // has three replies to keep in order, and each channel 8 posts at Slack's one a second.
    private static final int WAVES = 4;
    private static final int REFUSED_WAVES = 2;
    private static final int PER_WAVE = 8;
    private static final int GROUPS = FaultScenario.TEAMS.size() * ALERTNAMES.size();
    // One parent per group, then one thread reply per later wave (its new alerts).
    private static final int POSTS = GROUPS * WAVES;
    // The outbox retries an unreachable Slack at least this often (OutboxWorker's cap), plus
    // its idle poll; the test allows a little more for a loaded machine.
    private static final Duration FIRST_POST_AFTER_RETURN = Duration.ofSeconds(14);
    private static final Pattern WAVE = Pattern.compile("wave (\\d\\d)");

    @TempDir
    Path runbooks;

    private FaultScenario scenario;

    @AfterEach
    void stop() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void aStormWhileSlackIsAwayIsPostedOnceInThreadOrderSoonAfterSlackReturns() throws Exception {
        scenario = new FaultScenario(TestDatabases.sqliteUrl(), runbooks);
        RateLimitedSlack slack = scenario.slack;

        // Refused: nothing listens on Slack's port.
        slack.goDown();
        storm(1, REFUSED_WAVES);
        Eventually.await("health reports Slack unreachable", Duration.ofSeconds(15),
                () -> slackState().equals("UNREACHABLE"));
        HttpResponse<String> ready = ready();
        assertThat(ready.statusCode()).as("a Slack outage does not take the bot out of rotation").isEqualTo(200);
        assertThat(FaultScenario.json(ready).at("/checks/database/status").asText()).isEqualTo("UP");
        assertThat(scenario.get("/health/live").statusCode()).isEqualTo(200);

        // Reset: Slack's port answers again, but every connection is reset before Slack acts.
        slack.comeBack();
        slack.resetConnections();
        storm(REFUSED_WAVES + 1, WAVES);
        assertThat(scenario.storedAlerts()).as("every alert is stored before its webhook is answered")
                .isEqualTo(GROUPS * WAVES * PER_WAVE);
        assertThat(scenario.groups()).hasSize(GROUPS);
        Eventually.await("the outbox keeps trying through the resets", Duration.ofSeconds(15),
                () -> outboxRetriesSoFar() > 0);
        assertThat(slack.calls("chat.postMessage")).as("nothing reached Slack while it was away").isEmpty();
        assertThat(slackState()).isEqualTo("UNREACHABLE");

        // Back: the first two posts Slack acts on lose their answers, so the bot cannot know
        // they arrived; it must look for them rather than post them again.
        slack.loseAnswers(2);
        long back = System.nanoTime();
        slack.heal();
        Eventually.await("the first message after Slack's return", FIRST_POST_AFTER_RETURN,
                () -> !slack.calls("chat.postMessage").isEmpty());
        Duration firstPost = Duration.ofNanos(System.nanoTime() - back);
        Eventually.await("everything posted", Duration.ofSeconds(45), () -> slack.channelPosts().size() >= POSTS);
        Duration allPosted = Duration.ofNanos(System.nanoTime() - back);
        // Anything posted twice would be a call still in the outbox: a retry, or a look-up after a lost answer.
        OutboxStore outbox = new OutboxStore(scenario.bot.database(), Clock.systemUTC());
        Eventually.await("the outbox has sent everything", Duration.ofSeconds(45), () -> outbox.depth().pending() == 0);
        System.out.printf("Slack back: first post after %d ms, all %d posts after %d ms, %d answers lost, %d rate-limited%n",
                firstPost.toMillis(), POSTS, allPosted.toMillis(), slack.lostAnswers(), slack.rateLimited());

        List<RateLimitedSlack.Call> posts = slack.channelPosts();
        assertThat(slack.lostAnswers()).as("the ambiguous failures happened").isEqualTo(2);
        assertThat(posts).as("nothing lost, nothing twice").hasSize(POSTS);
        assertThat(posts.stream().map(p -> p.get("metadata")).distinct()).as("one post per outbox message").hasSize(POSTS);
        assertThat(posts.stream().map(p -> p.get("text")).distinct()).hasSize(POSTS);

        Map<String, List<RateLimitedSlack.Call>> threads = new LinkedHashMap<>();
        List<RateLimitedSlack.Call> parents = posts.stream().filter(p -> !p.isReply()).toList();
        assertThat(parents).hasSize(GROUPS);
        parents.forEach(p -> threads.put(slack.tsOf(p), new ArrayList<>()));
        posts.stream().filter(RateLimitedSlack.Call::isReply)
                .forEach(r -> threads.get(r.get("thread_ts")).add(r));
        Map<String, String> channels = new HashMap<>();
        for (RateLimitedSlack.Call parent : parents) {
            List<Integer> waves = threads.get(slack.tsOf(parent)).stream().map(r -> firstWave(r.get("text"))).toList();
            assertThat(waves).as("the replies under %s, in the order they were created", parent.get("text"))
                    .containsExactlyElementsOf(IntStream.rangeClosed(2, WAVES).boxed().toList());
            channels.merge(parent.get("channel"), parent.get("text"), (a, b) -> a + " | " + b);
        }
        assertThat(channels).as("three channels, two groups each").hasSize(3);

        Eventually.await("health reports Slack reachable again", Duration.ofSeconds(5),
                () -> slackState().equals("REACHABLE"));
        assertThat(firstPost).as("the outbox's back-off does not leave the backlog waiting after Slack returns")
                .isLessThan(FIRST_POST_AFTER_RETURN);
    }

    /** Every group gets waves {@code from..to}, groups in parallel, each group's in order; all must be accepted. */
    private void storm(int from, int to) throws Exception {
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Integer>>> statuses = new ArrayList<>();
            for (String team : FaultScenario.TEAMS) {
                for (String alertname : ALERTNAMES) {
                    statuses.add(senders.submit(() -> {
                        List<Integer> codes = new ArrayList<>();
                        for (int wave = from; wave <= to; wave++) {
                            codes.add(scenario.alertmanager(FaultScenario.notification(team, alertname, wave, PER_WAVE))
                                    .statusCode());
                        }
                        return codes;
                    }));
                }
            }
            for (Future<List<Integer>> s : statuses) {
                assertThat(s.get()).as("every webhook is accepted while Slack is away").containsOnly(200);
            }
        }
    }

    private HttpResponse<String> ready() {
        try {
            return scenario.get("/health/ready");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String slackState() {
        return FaultScenario.json(ready()).at("/checks/slack/status").asText();
    }

    private long outboxRetriesSoFar() {
        try {
            Matcher m = Pattern.compile("(?m)^opsbot_slack_calls_total\\{outcome=\"retried\",?\\} ([0-9.]+)")
                    .matcher(scenario.get("/metrics").body());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int firstWave(String text) {
        Matcher m = WAVE.matcher(text);
        assertThat(m.find()).as("a wave number in %s", text).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
