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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsbot.bot.replicas.Replicas.ALICE;
import static org.opsbot.bot.replicas.Replicas.FIRST;
import static org.opsbot.bot.replicas.Replicas.SECOND;

/**
 * {@code kill -9} of the replica that holds every lease, at a bad moment: a post of it is on
 * its way to Slack (Slack got it, the answer had not come back), an escalation tier falls due
 * seconds later, an action it runs waits for a slow endpoint, webhooks pour in (some answered,
 * some cut off), and a new alert arrives at the other replica right after. The survivor must
 * take all of it over within the lease time, do each thing once, and run nothing again by
 * itself: whatever the dead replica answered 2xx is stored and posted, and what it did not
 * answer, re-sent to the survivor as Alertmanager re-sends, is accepted and posted once.
 * (One kill for all of it: each kill costs a lease time, 15 s, and two bot starts.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(BotProcess.PrintLogs.class)
class LeaseHolderKilledEndToEndTest {
    /** The leases' time to live is 15 s; taking over needs one more look (1 s) and the work itself. */
    private static final Duration TAKEOVER = Duration.ofSeconds(20);
    /**
     * A page is a Slack message: it follows the fire through the outbox, whose current batch may
     * be waiting up to 5 s for another channel's rate limit.
     */
    private static final Duration PAGED = TAKEOVER.plusSeconds(5);
    /** An abandoned run is noticed by a sweep (every 5 s) after its 15 s run lease. */
    private static final Duration INTERRUPTED_NOTICED = Duration.ofSeconds(25);
    private static final List<String> LEASES = List.of("outbox", "escalations", "scheduler");
    /** Webhooks sent to the holder while it is killed, {@link #CONCURRENT} at a time, over four channels. */
    private static final int ALERTS = 40;
    private static final int CONCURRENT = 8;
    private static final Duration INTAKE_WAIT = Duration.ofSeconds(40);

    private Replicas replicas;
    private BotProcess holder;
    private BotProcess survivor;
    private long killedAt;
    private long killedAtMillis;
    private final Map<Integer, Integer> answers = new ConcurrentHashMap<>(); // alert → HTTP status, or -1: no answer
    private List<Integer> accepted;
    private List<Integer> failed;

    @BeforeAll
    void theLeaseHolderIsKilledInTheMiddleOfThings() throws Exception {
        replicas = Replicas.onPostgres("killed");
        holder = replicas.start("killed-holder").getFirst();
        Eventually.await("the first replica holds every lease", Duration.ofSeconds(20),
                () -> LEASES.stream().allMatch(l -> replicas.holds(holder, l)));
        // It starts while the holder is put in the middle of things.
        survivor = replicas.launch("killed-survivor");

        // An action that waits 90 s for its endpoint, run by the holder.
        assertThat(replicas.slash(holder, ALICE, "run web/slow-restart").body()).contains("Running Restart the shop slowly");
        Eventually.await("the action is under way", Duration.ofSeconds(20), () -> replicas.targetCalls("/slow-restart") == 1);
        survivor.awaitReady(Replicas.READY);

        // A group message Slack receives but does not answer before the holder dies (which
        // holds up the holder's outbox); its second tier falls due 12 s after it opened, after
        // the kill and before the lease runs out.
        replicas.slack.hold("#slow");
        assertThat(replicas.webhook(holder, Replicas.alertmanager("slow", "HeldPost", "shop-3")).statusCode()).isEqualTo(200);
        Eventually.await("Slack has the held post", Duration.ofSeconds(20), () -> replicas.slack.posts("#slow").size() == 1);
        // Killed after it recorded the first tier: a kill in the middle of that fire would make the
        // survivor page the first tier again (at least once), and this test counts pages.
        Eventually.await("the first tier recorded", Duration.ofSeconds(20), () -> replicas.count(
                "SELECT COUNT(*) FROM escalation_event e JOIN escalation w ON w.subject = e.subject"
                        + " WHERE w.team = 'slow' AND e.kind = 'NOTIFIED' AND e.tier = 0") == 1);
        assertThat(replicas.count("SELECT COUNT(*) FROM escalation WHERE team = 'slow' AND next_tier = 1"))
                .as("the second tier is still to come").isEqualTo(1);

        // Webhooks pour in; the holder dies when a third of them have been answered.
        AtomicInteger answered = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT);
        for (int i = 0; i < ALERTS; i++) {
            int alert = i;
            senders.submit(() -> {
                try {
                    HttpResponse<String> r = replicas.webhook(holder, intake(alert));
                    answers.put(alert, r.statusCode());
                    answered.incrementAndGet();
                } catch (Exception cutOff) {
                    answers.put(alert, -1);
                }
            });
        }
        Eventually.await("a third of the webhooks answered", INTAKE_WAIT, () -> answered.get() >= ALERTS / 3);

        holder.kill9();
        killedAt = System.nanoTime();
        killedAtMillis = System.currentTimeMillis();
        replicas.slack.release("#slow");
        // Right after: a new alert, which only the survivor can now send.
        assertThat(replicas.webhook(survivor, Replicas.alertmanager("web", "AfterTheKill", "shop-4")).statusCode()).isEqualTo(200);

        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        accepted = answers.entrySet().stream().filter(e -> e.getValue() / 100 == 2).map(Map.Entry::getKey).toList();
        failed = answers.entrySet().stream().filter(e -> e.getValue() / 100 != 2).map(Map.Entry::getKey).toList();
        System.out.printf("kill -9 during intake: %d webhooks answered 2xx, %d cut off%n", accepted.size(), failed.size());
        // Alertmanager re-sends what got no 2xx, all at once, and again what the survivor asked it
        // to send later (503: so many at once outwait its database pool on a busy machine); the
        // load balancer now sends everything to the survivor.
        List<Integer> unsent = failed;
        for (int round = 1; !unsent.isEmpty(); round++) {
            assertThat(round).as("rounds of re-sending " + unsent).isLessThanOrEqualTo(5);
            List<Integer> sending = unsent;
            List<HttpResponse<String>> resent = Replicas.atOnce(sending, alert -> replicas.webhook(survivor, intake(alert)));
            assertThat(resent).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 503));
            unsent = IntStream.range(0, sending.size()).filter(i -> resent.get(i).statusCode() == 503).mapToObj(sending::get).toList();
        }
    }

    @AfterAll
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    @Order(1)
    void theSurvivorTakesEveryLeaseAndSendsWhatWasQueuedWithinTheLeaseTime() {
        replicas.await("the new alert posted", TAKEOVER.plusSeconds(10), () -> firstPost("AfterTheKill") > 0);
        Duration sent = Duration.ofMillis(firstPost("AfterTheKill") - killedAtMillis);
        replicas.await("the survivor holds every lease", TAKEOVER.plusSeconds(10),
                () -> LEASES.stream().allMatch(l -> replicas.holds(survivor, l)));
        Duration leases = Replicas.since(killedAt);
        System.out.printf("kill -9 → the survivor sent the alert queued meanwhile after %d ms, held every lease after"
                + " at most %d ms (lease time 15 s)%n", sent.toMillis(), leases.toMillis());
        assertThat(sent).isLessThanOrEqualTo(TAKEOVER);
        assertThat(leases).isLessThanOrEqualTo(TAKEOVER);
    }

    @Test
    @Order(2)
    void theDueEscalationFiresOnceOnTheSurvivor() {
        replicas.await("the second tier paged", PAGED.plusSeconds(10), () -> pages(SECOND, "HeldPost") >= 1);
        // Tier numbers count from 1 in messages and from 0 in the walk's history.
        replicas.await("the second tier recorded", Duration.ofSeconds(10), () -> replicas.count(
                "SELECT COUNT(*) FROM escalation_event e JOIN escalation w ON w.subject = e.subject"
                        + " WHERE w.team = 'slow' AND e.kind = 'NOTIFIED' AND e.tier = 1") == 1);
        long firedAt = replicas.count("SELECT MIN(e.at) FROM escalation_event e JOIN escalation w ON w.subject = e.subject"
                + " WHERE w.team = 'slow' AND e.kind = 'NOTIFIED' AND e.tier = 1");
        Duration fired = Duration.ofMillis(firedAt - killedAtMillis);
        Duration paged = Duration.ofMillis(replicas.slack.directMessages(SECOND).getFirst().at() - killedAtMillis);
        System.out.printf("kill -9 → the survivor fired the tier that fell due after %d ms; the page reached Slack after %d ms%n",
                fired.toMillis(), paged.toMillis());
        assertThat(fired).isLessThanOrEqualTo(TAKEOVER);
        assertThat(paged).isLessThanOrEqualTo(PAGED);
        replicas.awaitOutboxEmpty(Duration.ofSeconds(20));
        assertThat(pages(FIRST, "HeldPost")).isEqualTo(1);
        assertThat(pages(SECOND, "HeldPost")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aPostTheKilledReplicaHadSentIsNotPostedAgain() {
        replicas.awaitOutboxEmpty(TAKEOVER.plusSeconds(10));
        assertThat(replicas.slack.posts("#slow")).hasSize(1);
        // The survivor asked Slack whether it had arrived before deciding.
        assertThat(replicas.slack.calls("conversations.history")).isNotEmpty();
        long id = replicas.slack.posts("#slow").getFirst().outboxId();
        assertThat(replicas.count("SELECT COUNT(*) FROM outbox WHERE id = " + id + " AND status = 'SENT' AND sent_ts IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void theCutOffActionIsMarkedInterruptedItsRequesterToldAndItIsNotRunAgain() {
        replicas.await("the requester told in the thread", INTERRUPTED_NOTICED.plusSeconds(10), () -> !replicas.slack
                .replies("the bot stopped while this ran").isEmpty());
        System.out.printf("kill -9 → interrupted run reported after %d ms%n", Replicas.since(killedAt).toMillis());
        assertThat(Replicas.since(killedAt)).isLessThanOrEqualTo(INTERRUPTED_NOTICED);
        assertThat(replicas.slack.replies("the bot stopped while this ran")).singleElement()
                .satisfies(c -> assertThat(c.get("text")).contains(ALICE, "It was not run again"));
        assertThat(replicas.count("SELECT COUNT(*) FROM action_request WHERE action = 'slow-restart' AND state = 'INTERRUPTED'"))
                .isEqualTo(1);
        replicas.awaitOutboxEmpty(Duration.ofSeconds(20));
        assertThat(replicas.slack.calls("chat.update")).anySatisfy(u -> assertThat(u.form().toString()).contains("Interrupted"));
        assertThat(replicas.targetCalls("/slow-restart")).as("calls of the action's endpoint").isEqualTo(1);
    }

    @Test
    @Order(5)
    void whatWasAcceptedBeforeTheKillIsPostedAndWhatFailedIsAcceptedOnceWhenResent() {
        assertThat(accepted).as("accepted before the kill").isNotEmpty();
        assertThat(failed).as("cut off by the kill").isNotEmpty();
        try {
            replicas.await("every alert posted", INTAKE_WAIT, () -> postsPerAlert().size() == ALERTS);
            replicas.awaitOutboxEmpty(INTAKE_WAIT);
        } catch (AssertionError timedOut) {
            // What was stored and what reached Slack, to tell a lost message from a slow one.
            System.out.println("groups: " + replicas.db.read(h -> h.createQuery(
                    "SELECT g.id || ' ' || g.group_labels || ' msg=' || COALESCE(CAST(g.message_id AS TEXT), '-') || ' '"
                            + " || COALESCE(o.status, '-') FROM alert_group g LEFT JOIN outbox o ON o.id = g.message_id"
                            + " WHERE g.team LIKE 'intake-%' ORDER BY g.id")
                    .mapTo(String.class).list()));
            System.out.println("posts: " + postsPerAlert());
            System.out.println("answers: " + answers);
            throw timedOut;
        }
        Map<String, Long> posts = postsPerAlert();
        assertThat(posts.keySet()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, ALERTS).mapToObj(LeaseHolderKilledEndToEndTest::name).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(posts).allSatisfy((alert, n) -> assertThat(n).as("posts of " + alert).isEqualTo(1));
        assertThat(replicas.count("SELECT COUNT(*) FROM alert_group WHERE team LIKE 'intake-%'")).isEqualTo(ALERTS);
        assertThat(replicas.count("SELECT COUNT(*) FROM alert WHERE group_id IN (SELECT id FROM alert_group WHERE team LIKE 'intake-%')"))
                .isEqualTo(ALERTS);
    }

    @Test
    @Order(6)
    void noMessageReachedSlackTwice() {
        replicas.awaitOutboxEmpty(Duration.ofSeconds(20));
        assertThat(replicas.postsPerOutboxId()).doesNotContainKey(-1L)
                .allSatisfy((id, n) -> assertThat(n).as("posts of outbox message " + id).isEqualTo(1));
    }

    private long pages(String user, String alertname) {
        return replicas.slack.directMessages(user).stream().filter(c -> c.get("text").startsWith("You are paged"))
                .filter(c -> c.get("text").contains(alertname)).count();
    }

    private Map<String, Long> postsPerAlert() {
        return IntStream.range(0, 4).mapToObj(c -> replicas.slack.posts("#intake-" + c)).flatMap(List::stream)
                .map(c -> c.get("text").replaceAll(".*(Intake\\d{3}).*", "$1"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Alert {@code alert}'s notification; the alerts go to four teams, each with a channel of its own. */
    private static String intake(int alert) {
        return Replicas.alertmanager("intake-" + alert % 4, name(alert), "shop");
    }

    private static String name(int alert) {
        return "Intake%03d".formatted(alert);
    }

    /** When Slack got the first post mentioning {@code text} (epoch millis), or 0. */
    private long firstPost(String text) {
        return replicas.slack.calls("chat.postMessage").stream().filter(c -> String.valueOf(c.get("text")).contains(text))
                .mapToLong(SharedSlack.Call::at).min().orElse(0);
    }
}
