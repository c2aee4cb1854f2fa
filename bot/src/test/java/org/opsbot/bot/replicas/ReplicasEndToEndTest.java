package org.opsbot.bot.replicas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opsbot.bot.testing.BotProcess;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.commands.store.ScheduleStore;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsbot.bot.replicas.Replicas.FIRST;
import static org.opsbot.bot.replicas.Replicas.SECOND;
import static org.opsbot.bot.replicas.Replicas.THIRD;

/**
 * Two real bot processes on one PostgreSQL database, behind an imagined load balancer: every
 * webhook and every Slack request goes to both at the same moment, as Alertmanager HA and
 * retries do. Slack (one WireMock) must see each thing once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(BotProcess.PrintLogs.class)
class ReplicasEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SCHEDULE = "* * * * * UTC";
    private static final Pattern APPROVE = Pattern.compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"");

    private Replicas replicas;
    private List<BotProcess> both;
    private Instant scheduleSeededFor;

    @BeforeAll
    void twoReplicasOnOneDatabase() {
        replicas = Replicas.onPostgres("replicas");
        // The runbook's every-minute schedule last fired two minutes ago, as if the bots had
        // been down a little: the latest due time is caught up at once (by one of them), and
        // the test need not wait for the next minute.
        scheduleSeededFor = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        new ScheduleStore(replicas.db).remember("web", SCHEDULE, scheduleSeededFor);
        both = replicas.start("replicas-a", "replicas-b");
    }

    @AfterAll
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    @Order(1)
    void theSameAlertsDeliveredToBothReplicasAtOnceArePostedOnce() {
        for (int i = 0; i < 5; i++) {
            String body = Replicas.alertmanager("web", "Duplicated" + i, "shop-1");
            List<HttpResponse<String>> answers = Replicas.atOnce(both, bot -> replicas.webhook(bot, body));
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));
        }

        Eventually.await("five group messages", WAIT, () -> groupPosts("Duplicated").size() == 5);
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(groupPosts("Duplicated")).extracting(c -> c.get("text").replaceAll(".*(Duplicated\\d).*", "$1"))
                .containsExactlyInAnyOrder("Duplicated0", "Duplicated1", "Duplicated2", "Duplicated3", "Duplicated4");
        assertThat(replicas.count("SELECT COUNT(*) FROM alert_group WHERE group_labels LIKE '%Duplicated%'")).isEqualTo(5);
    }

    @Test
    @Order(2)
    void anUnacknowledgedGroupPagesEachTierOnceAlthoughBothReplicasWatchIt() {
        String body = Replicas.alertmanager("web", "Unanswered", "shop-2");
        Replicas.atOnce(both, bot -> replicas.webhook(bot, body));

        // Tiers at 0 s, 4 s and 8 s: the third page arrives about 8 s after the alert.
        Eventually.await("the third tier paged", WAIT, () -> pages(THIRD, "Unanswered") >= 1);
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(Map.of(FIRST, pages(FIRST, "Unanswered"), SECOND, pages(SECOND, "Unanswered"),
                THIRD, pages(THIRD, "Unanswered"))).containsOnlyKeys(FIRST, SECOND, THIRD)
                .allSatisfy((who, count) -> assertThat(count).as("pages to " + who).isEqualTo(1));
        assertThat(replicas.slack.replies(":mega: Tier ")).filteredOn(c -> c.get("thread_ts").equals(threadOf("Unanswered")))
                .extracting(c -> c.get("text").substring(0, ":mega: Tier 1".length()))
                .containsExactly(":mega: Tier 1", ":mega: Tier 2", ":mega: Tier 3");
    }

    @Test
    @Order(3)
    void aScheduledRunbookRunsOncePerDueTime() {
        // A scheduled run starts within a tick (5 s) of its due time, so the minute it started in
        // is the due time it ran for: at start-up the latest one (caught up once), then each new one.
        replicas.await("a scheduled run reported", WAIT, () -> !scheduledRunMinutes().isEmpty()
                && replicas.slack.posts("#reports").size() == scheduledRunMinutes().size());
        replicas.awaitOutboxEmpty(WAIT);
        List<Instant> ranFor = scheduledRunMinutes();
        Instant lastFired = new ScheduleStore(replicas.db).lastFired("web").get(SCHEDULE);

        assertThat(ranFor).as("one run per due time").doesNotHaveDuplicates();
        assertThat(ranFor).allSatisfy(t -> assertThat(t).isAfter(scheduleSeededFor));
        assertThat(ranFor.getLast()).isBeforeOrEqualTo(lastFired);
        assertThat(replicas.slack.posts("#reports")).hasSameSizeAs(ranFor)
                // The report as it starts, or already as it ended when it ran before it was posted.
                .allSatisfy(c -> assertThat(c.get("text")).matches("(Running web|web: ).*"));
    }

    @Test
    @Order(4)
    void anApprovalClickedOnBothReplicasAtOnceRunsTheActionOnce() throws Exception {
        BotProcess a = both.get(0);
        assertThat(replicas.slash(a, Replicas.ALICE, "run web/restart the shop answers 502").body())
                .contains("Asking for approval of Restart the shop");
        Eventually.await("the request is posted", WAIT, () -> !replicas.slack.posts("#web-alerts").stream()
                .filter(c -> c.form().toString().contains("Approval needed")).toList().isEmpty());
        SharedSlack.Call request = replicas.slack.posts("#web-alerts").stream()
                .filter(c -> c.form().toString().contains("Approval needed")).findFirst().orElseThrow();
        Matcher button = APPROVE.matcher(request.form().toString());
        assertThat(button.find()).as("an Approve button in " + request.form()).isTrue();

        // Both approvers click, and each click reaches both replicas, all at the same moment.
        BotProcess b = both.get(1);
        List<Map.Entry<BotProcess, String>> clicks = List.of(Map.entry(a, Replicas.LEAD1), Map.entry(b, Replicas.LEAD1),
                Map.entry(a, Replicas.LEAD2), Map.entry(b, Replicas.LEAD2));
        List<HttpResponse<String>> acks = Replicas.atOnce(clicks, click -> replicas.click(click.getKey(), click.getValue(),
                "C000000001", "1700000000.000100", "action.approve", button.group(1)));
        assertThat(acks).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));

        Eventually.await("the result in the thread", WAIT, () -> !replicas.slack.replies("HTTP 204").isEmpty());
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(replicas.targetCalls("/restart")).isEqualTo(1);
        assertThat(replicas.slack.replies("HTTP 204")).hasSize(1);
    }

    @Test
    @Order(5)
    void everyOutboxMessageWasSentExactlyOnce() {
        replicas.awaitOutboxEmpty(WAIT);
        Map<Long, Long> postsPerOutboxId = replicas.slack.calls("chat.postMessage").stream()
                .collect(Collectors.groupingBy(SharedSlack.Call::outboxId, Collectors.counting()));
        List<Long> sentPosts = replicas.db.read(h -> h.createQuery(
                "SELECT id FROM outbox WHERE kind = 'POST' AND status = 'SENT' ORDER BY id").mapTo(Long.class).list());

        assertThat(postsPerOutboxId).doesNotContainKey(-1L);
        assertThat(postsPerOutboxId).allSatisfy((id, n) -> assertThat(n).as("posts of outbox message " + id).isEqualTo(1));
        assertThat(postsPerOutboxId.keySet()).containsExactlyInAnyOrderElementsOf(sentPosts);
        assertThat(replicas.count("SELECT COUNT(*) FROM outbox WHERE status <> 'SENT' AND status <> 'SUPERSEDED'"))
                .as("calls failed or expired").isZero();
    }

    private List<SharedSlack.Call> groupPosts(String alertname) {
        return replicas.slack.posts("#web-alerts").stream().filter(c -> String.valueOf(c.get("text")).contains(alertname)).toList();
    }

    /**
     * Pages {@code user} got about {@code alertname}: a DM of its own, or (paged again within two
     * minutes, as the earlier test's groups did) a reply in the DM gathering their pages.
     */
    private long pages(String user, String alertname) {
        return replicas.slack.directMessages(user).stream().filter(c -> c.get("text").startsWith("You are paged"))
                .filter(c -> c.get("text").contains(alertname)).count()
                + replicas.slack.repliesToDirectMessages(user).stream().filter(c -> c.get("text").contains("aging you"))
                .filter(c -> c.get("text").contains(alertname)).count();
    }

    private String threadOf(String alertname) {
        SharedSlack.Call parent = groupPosts(alertname).getFirst();
        return replicas.db.read(h -> h.createQuery("SELECT sent_ts FROM outbox WHERE id = :id")
                .bind("id", parent.outboxId()).mapTo(String.class).one());
    }

    /** The minutes the scheduled runs started in, oldest first. */
    private List<Instant> scheduledRunMinutes() {
        return replicas.db.read(h -> h.createQuery(
                        "SELECT started_at FROM check_run WHERE runbook = 'web' AND actor LIKE 'schedule:%' ORDER BY started_at")
                .mapTo(Long.class).list()).stream()
                .map(t -> Instant.ofEpochMilli(t).truncatedTo(ChronoUnit.MINUTES)).toList();
    }
}
