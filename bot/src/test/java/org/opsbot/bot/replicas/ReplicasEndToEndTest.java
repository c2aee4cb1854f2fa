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
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.ScheduleStore;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsbot.bot.replicas.Replicas.FIRST;
import static org.opsbot.bot.replicas.Replicas.SECOND;
import static org.opsbot.bot.replicas.Replicas.THIRD;

/**
 * Two real bot processes on one PostgreSQL database, behind an imagined load balancer: every
 * webhook and every Slack request goes to both at the same moment, as Alertmanager HA and
 * retries do. Slack (one WireMock) must see each thing once.
 *
 * <p>And hand-offs, across a restart of both: an override is a hand-off, its notice and its
 * announcement go out once, and one missed while every replica was down is sent late (by the two
 * replicas started next) while its shift runs and never once it is over. The schedule's user
 * group, {@code @oncall-now}, follows each hand-off with one {@code usergroups.users.update}:
 * never one per replica, never asked again after the restart. (One class for both, as each pair
 * of bot processes costs seconds to start: the restart comes first, and the other tests run on
 * the second pair while it catches up with the hand-off it missed.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(BotProcess.PrintLogs.class)
class ReplicasEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HAND_OFF_WAIT = Duration.ofSeconds(60);
    private static final String COVER = "U0COVER001";
    private static final String LATE = "U0LATE0001";
    private static final String MISSED = "U0MISSED01";
    private static final String SCHEDULE = "* * * * * UTC";
    private static final Pattern APPROVE = Pattern.compile("\"action_id\":\"action.approve\"[^}]*?\"value\":\"(\\d+:[0-9a-f]{64})\"");

    private Replicas replicas;
    private List<BotProcess> both;
    private Instant scheduleSeededFor;
    /** Whom @oncall-now was set to when the first replicas started: whoever has this week. */
    private String weekly;

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
    void anOverrideIsHandedOffOnceByTwoReplicas() throws Exception {
        // Each replica's first round saw the running shift; it began before them and is not announced.
        replicas.await("the running shift to be recorded", HAND_OFF_WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE schedule = 'oncall'") > 0);
        replicas.await("@oncall-now set to whoever has this week", HAND_OFF_WAIT, () -> !replicas.slack.usergroupUpdates().isEmpty());
        weekly = replicas.slack.usergroupUpdates().get(0);
        assertThat(weekly).isIn("U0ONCALL01", "U0ONCALL02");

        assertThat(replicas.slash(both.get(1), Replicas.LEAD1, "override oncall <@" + COVER + "|cover> 1h").statusCode())
                .isEqualTo(200);
        replicas.await("Cover's notice and the announcement", HAND_OFF_WAIT,
                () -> notices(COVER).size() == 1 && announcements().size() == 1);
        replicas.await("every hand-off to be sent", HAND_OFF_WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE done_at IS NULL") == 0);
        replicas.awaitOutboxEmpty(HAND_OFF_WAIT);
        assertThat(notices(COVER)).singleElement().asString().contains("schedule `oncall`").contains("(oncall)")
                .contains("taking over from <@U0ONCALL0").contains("No alert groups are open.");
        assertThat(announcements()).singleElement().asString().startsWith(":arrows_counterclockwise: <@" + COVER
                + "> is on call for oncall until ").endsWith("· 0 open alert groups");
        replicas.await("@oncall-now set to Cover", HAND_OFF_WAIT, () -> replicas.slack.usergroupUpdates().contains(COVER));
        replicas.awaitOutboxEmpty(HAND_OFF_WAIT);
        assertThat(replicas.slack.usergroupUpdates()).as("one update per change, whichever replica holds the lease")
                .containsExactly(weekly, COVER);

        // Every replica goes down. While none runs: one override runs now and outlasts Cover's
        // (made later, it wins), one came and went. Two replicas start again; the tests below run
        // on them, while they send the hand-off missed meanwhile (asserted after them).
        Replicas.stop(both);
        OverrideStore overrides = new OverrideStore(replicas.db, Clock.systemUTC());
        Instant now = Instant.now();
        overrides.add("oncall", MISSED, now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(40)), Replicas.LEAD1);
        overrides.add("oncall", LATE, now, now.plus(Duration.ofHours(2)), Replicas.LEAD1);
        both = replicas.start("replicas-c", "replicas-d");
    }

    @Test
    @Order(2)
    void theSameAlertsDeliveredToBothReplicasAtOnceArePostedOnce() {
        // Over the four intake teams' channels (they do not escalate): Slack takes one post a
        // second per channel, and the test is about each being posted once, not about the pace.
        for (int i = 0; i < 5; i++) {
            String body = Replicas.alertmanager("intake-" + i % 4, "Duplicated" + i, "shop-1");
            List<HttpResponse<String>> answers = Replicas.atOnce(both, bot -> replicas.webhook(bot, body));
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));
        }

        Eventually.await("five group messages", WAIT, () -> duplicatedPosts().size() == 5);
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(duplicatedPosts()).extracting(c -> c.get("text").replaceAll(".*(Duplicated\\d).*", "$1"))
                .containsExactlyInAnyOrder("Duplicated0", "Duplicated1", "Duplicated2", "Duplicated3", "Duplicated4");
        assertThat(replicas.count("SELECT COUNT(*) FROM alert_group WHERE group_labels LIKE '%Duplicated%'")).isEqualTo(5);
    }

    @Test
    @Order(3)
    void anUnacknowledgedGroupPagesEachTierOnceAlthoughBothReplicasWatchIt() {
        String body = Replicas.alertmanager("web", "Unanswered", "shop-2");
        Replicas.atOnce(both, bot -> replicas.webhook(bot, body));

        // Tiers at 0 s, 2 s and 4 s: the third page arrives about 4 s after the alert.
        Eventually.await("the third tier paged", WAIT, () -> pages(THIRD, "Unanswered") >= 1);
        // A tier's note in the thread is queued just after its page is sent.
        Eventually.await("the third tier's note in the thread", WAIT, () -> replicas.slack.replies(":mega: Tier 3").stream()
                .anyMatch(c -> c.get("thread_ts").equals(threadOf("Unanswered"))));
        replicas.awaitOutboxEmpty(WAIT);
        assertThat(Map.of(FIRST, pages(FIRST, "Unanswered"), SECOND, pages(SECOND, "Unanswered"),
                THIRD, pages(THIRD, "Unanswered"))).containsOnlyKeys(FIRST, SECOND, THIRD)
                .allSatisfy((who, count) -> assertThat(count).as("pages to " + who).isEqualTo(1));
        assertThat(replicas.slack.replies(":mega: Tier ")).filteredOn(c -> c.get("thread_ts").equals(threadOf("Unanswered")))
                .extracting(c -> c.get("text").substring(0, ":mega: Tier 1".length()))
                .containsExactly(":mega: Tier 1", ":mega: Tier 2", ":mega: Tier 3");
    }

    @Test
    @Order(4)
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
    @Order(5)
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
    @Order(6)
    void aHandOffMissedWhileEveryReplicaWasDownIsSentLateOnlyWhileItRuns() {
        replicas.await("Late's notice and announcement, sent late", HAND_OFF_WAIT,
                () -> notices(LATE).size() == 1 && announcements().size() == 2);
        replicas.await("every hand-off to be sent", HAND_OFF_WAIT,
                () -> replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE done_at IS NULL") == 0);
        replicas.awaitOutboxEmpty(HAND_OFF_WAIT);

        assertThat(notices(MISSED)).isEmpty();
        assertThat(notices(COVER)).hasSize(1);
        assertThat(announcements()).hasSize(2).last().asString().contains("<@" + LATE + "> is on call for oncall");
        assertThat(replicas.count("SELECT COUNT(*) FROM on_call_hand_off WHERE user_id = '" + MISSED + "'")).isZero();
        replicas.await("@oncall-now set to Late", HAND_OFF_WAIT, () -> replicas.slack.usergroupUpdates().contains(LATE));
        awaitSchedulerRounds(2);
        replicas.awaitOutboxEmpty(HAND_OFF_WAIT);
        assertThat(replicas.slack.usergroupUpdates()).as("Late now; Missed's override was over before anyone could set it")
                .containsExactly(weekly, COVER, LATE);
    }

    @Test
    @Order(7)
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

    /** The Duplicated groups' messages, in the intake teams' channels. */
    private List<SharedSlack.Call> duplicatedPosts() {
        return IntStream.range(0, 4).mapToObj(c -> replicas.slack.posts("#intake-" + c)).flatMap(List::stream)
                .filter(c -> String.valueOf(c.get("text")).contains("Duplicated")).toList();
    }

    private List<String> announcements() {
        return replicas.slack.posts("#oncall").stream().map(c -> String.valueOf(c.get("text")))
                .filter(t -> t.contains("open alert group")).toList();
    }

    private List<String> notices(String user) {
        return replicas.slack.directMessages(user).stream().map(c -> String.valueOf(c.get("text")))
                .filter(t -> t.contains("You are on call")).toList();
    }

    /** Waits until the replica holding the scheduler's lease has renewed it {@code n} more times: it ran that many rounds. */
    private void awaitSchedulerRounds(int n) {
        for (int i = 0; i < n; i++) {
            String before = schedulerLease();
            replicas.await("another scheduler round", HAND_OFF_WAIT, () -> !schedulerLease().equals(before));
        }
    }

    private String schedulerLease() {
        return replicas.db.read(h -> h.createQuery("SELECT holder || ' ' || expires_at FROM lease WHERE name = 'scheduler'")
                .mapTo(String.class).findOne().orElse(""));
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
