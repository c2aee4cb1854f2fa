package org.opsbot.bot.replicas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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

/**
 * {@code kill -9} of a replica while webhooks pour in: whatever it answered 2xx is stored and
 * posted (by the other replica, which takes over its outbox), and what it did not answer,
 * re-sent to the other replica as Alertmanager re-sends, is accepted and posted once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(BotProcess.PrintLogs.class)
class IntakeKilledEndToEndTest {
    private static final int ALERTS = 40;
    private static final int CONCURRENT = 8;
    private static final Duration WAIT = Duration.ofSeconds(40);

    private Replicas replicas;
    private BotProcess victim;
    private BotProcess survivor;

    @BeforeAll
    void twoReplicasTheFirstHoldingTheOutbox() {
        replicas = Replicas.onPostgres("intake");
        victim = replicas.start("intake-victim").getFirst();
        Eventually.await("the victim sends the outbox", Duration.ofSeconds(20), () -> replicas.holds(victim, "outbox"));
        survivor = replicas.start("intake-survivor").getFirst();
    }

    @AfterAll
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void whatWasAcceptedBeforeTheKillIsPostedAndWhatFailedIsAcceptedOnceWhenResent() throws Exception {
        Map<Integer, Integer> answers = new ConcurrentHashMap<>(); // alert → HTTP status, or -1: no answer
        AtomicInteger answered = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT);
        for (int i = 0; i < ALERTS; i++) {
            int alert = i;
            senders.submit(() -> {
                try {
                    HttpResponse<String> r = replicas.webhook(victim, webhook(alert));
                    answers.put(alert, r.statusCode());
                    answered.incrementAndGet();
                } catch (Exception cutOff) {
                    answers.put(alert, -1);
                }
            });
        }
        Eventually.await("a third of the webhooks answered", WAIT, () -> answered.get() >= ALERTS / 3);
        victim.kill9();
        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        List<Integer> accepted = answers.entrySet().stream().filter(e -> e.getValue() / 100 == 2).map(Map.Entry::getKey).toList();
        List<Integer> failed = answers.entrySet().stream().filter(e -> e.getValue() / 100 != 2).map(Map.Entry::getKey).toList();
        System.out.printf("kill -9 during intake: %d webhooks answered 2xx, %d cut off%n", accepted.size(), failed.size());
        assertThat(accepted).as("accepted before the kill").isNotEmpty();
        assertThat(failed).as("cut off by the kill").isNotEmpty();

        // Alertmanager re-sends what got no 2xx; the load balancer now sends it to the survivor.
        List<HttpResponse<String>> resent = Replicas.atOnce(failed, alert -> replicas.webhook(survivor, webhook(alert)));
        assertThat(resent).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));

        try {
            Eventually.await("every alert posted", WAIT, () -> postsPerAlert().size() == ALERTS);
            replicas.awaitOutboxEmpty(WAIT);
        } catch (AssertionError timedOut) {
            // What was stored and what reached Slack, to tell a lost message from a slow one.
            System.out.println("groups: " + replicas.db.read(h -> h.createQuery(
                    "SELECT g.id || ' ' || g.group_labels || ' msg=' || COALESCE(CAST(g.message_id AS TEXT), '-') || ' '"
                            + " || COALESCE(o.status, '-') FROM alert_group g LEFT JOIN outbox o ON o.id = g.message_id ORDER BY g.id")
                    .mapTo(String.class).list()));
            System.out.println("posts: " + postsPerAlert());
            System.out.println("answers: " + answers);
            throw timedOut;
        }
        Map<String, Long> posts = postsPerAlert();
        assertThat(posts.keySet()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, ALERTS).mapToObj(IntakeKilledEndToEndTest::name).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(posts).allSatisfy((alert, n) -> assertThat(n).as("posts of " + alert).isEqualTo(1));
        assertThat(replicas.postsPerOutboxId()).allSatisfy((id, n) -> assertThat(n).as("posts of outbox message " + id).isEqualTo(1));
        assertThat(replicas.count("SELECT COUNT(*) FROM alert_group WHERE team LIKE 'intake-%'")).isEqualTo(ALERTS);
        assertThat(replicas.count("SELECT COUNT(*) FROM alert WHERE group_id IN (SELECT id FROM alert_group WHERE team LIKE 'intake-%')"))
                .isEqualTo(ALERTS);
    }

    private Map<String, Long> postsPerAlert() {
        return IntStream.range(0, 4).mapToObj(c -> replicas.slack.posts("#intake-" + c)).flatMap(List::stream)
                .map(c -> c.get("text").replaceAll(".*(Intake\\d{3}).*", "$1"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Alert {@code alert}'s notification; the alerts go to four teams, each with a channel of its own. */
    private static String webhook(int alert) {
        return Replicas.alertmanager("intake-" + alert % 4, name(alert), "shop");
    }

    private static String name(int alert) {
        return "Intake%03d".formatted(alert);
    }
}
