package org.opsbot.commands.alert;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OutboxStore;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.StoredAlertGroup.State;
import org.opsbot.commands.escalation.EscalationSteps;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsTest {

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));

    static String webhook(String status, String startsAt, String lag, String... alertStatuses) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < alertStatuses.length; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"%s","labels":{"alertname":"ReplicationLagHigh","team":"cdc","severity":"critical","instance":"db%d"},
                     "annotations":{"summary":"Replication lag is %s","runbook":"cdc-morning"},
                     "startsAt":"%s","endsAt":"%s","generatorURL":"http://prometheus:9090/graph?g0.expr=lag","fingerprint":"fp%d"}"""
                    .formatted(alertStatuses[i], i, lag, startsAt,
                            alertStatuses[i].equals("resolved") ? "2026-11-22T03:30:00Z" : "0001-01-01T00:00:00Z", i));
        }
        return """
                {"receiver":"opsbot","status":"%s","alerts":[%s],"groupLabels":{"alertname":"ReplicationLagHigh"},
                 "commonLabels":{"alertname":"ReplicationLagHigh","team":"cdc"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}/{team=\\"cdc\\"}:{alertname=\\"ReplicationLagHigh\\"}","truncatedAlerts":0}"""
                .formatted(status, alerts);
    }

    static Notification parse(String json) throws Exception {
        return AlertSources.webhook("alertmanager").parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theRealAlertmanagerSequenceOpensOneGroupRefreshesInPlaceAndNeverReopensAHandResolvedEpisode(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            String start = "2026-11-22T02:58:00Z";

            Alerts.Intake first = alerts.receive(parse(webhook("firing", start, "1200", "firing", "firing")));
            assertThat(first.changes()).singleElement().satisfies(c -> {
                assertThat(c.opened()).isTrue();
                assertThat(c.group().state()).isEqualTo(State.FIRING);
                assertThat(c.group().route().team()).isEqualTo("cdc");
                assertThat(c.group().route().channel()).isEqualTo("#cdc-alerts");
                assertThat(c.group().severity()).isEqualTo("P1");
            });
            long id = first.changes().getFirst().group().id();
            // As the publisher does once the group's message is in the outbox.
            alerts.attachMessage(id, new OutboxStore(db, clock).enqueuePost("#cdc-alerts", null, "{}"));

            Alerts.Intake resend = alerts.receive(parse(webhook("firing", start, "1200", "firing", "firing")));
            assertThat(resend.changes()).isEmpty();
            assertThat(resend.repeats()).isEqualTo(2);

            Alerts.Intake newValue = alerts.receive(parse(webhook("firing", start, "5400", "firing", "firing")));
            assertThat(newValue.changes()).singleElement().satisfies(c -> {
                assertThat(c.parentChanged()).isTrue();
                assertThat(c.notes()).isEmpty();
            });

            assertThat(alerts.acknowledge(id, "U0ALICE001")).isInstanceOf(ActionResult.Done.class);
            assertThat(alerts.acknowledge(id, "U0BOB00001")).isInstanceOfSatisfying(ActionResult.Unchanged.class,
                    u -> assertThat(u.why()).contains("U0ALICE001"));
            assertThat(alerts.resolve(id, "U0BOB00001")).isInstanceOf(ActionResult.Done.class);

            Alerts.Intake stillFiring = alerts.receive(parse(webhook("firing", start, "5600", "firing", "firing")));
            assertThat(stillFiring.changes()).singleElement().satisfies(c -> {
                assertThat(c.group().state()).isEqualTo(State.RESOLVED);
                assertThat(c.notes()).containsExactly(new AlertNote.StillFiringAtSource("U0BOB00001"));
            });
            Alerts.Intake again = alerts.receive(parse(webhook("firing", start, "5700", "firing", "firing")));
            assertThat(again.changes()).allSatisfy(c -> assertThat(c.notes()).isEmpty());

            Alerts.Intake resolved = alerts.receive(parse(webhook("resolved", start, "12", "resolved", "resolved")));
            assertThat(resolved.changes()).singleElement().satisfies(c -> {
                assertThat(c.group().state()).isEqualTo(State.RESOLVED);
                assertThat(c.group().lifecycle().resolvedBy()).isEqualTo("U0BOB00001");
                assertThat(c.notes()).singleElement().isInstanceOf(AlertNote.AlertsResolved.class);
            });
            assertThat(alerts.alerts(id)).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo("RESOLVED");
                assertThat(a.firedAnnotations()).containsEntry("summary", "Replication lag is 5700");
                assertThat(a.annotations()).containsEntry("summary", "Replication lag is 12");
            });

            Alerts.Intake episode2 = alerts.receive(parse(webhook("firing", "2026-11-22T04:00:00Z", "999", "firing")));
            assertThat(episode2.changes()).singleElement().satisfies(c -> {
                assertThat(c.group().state()).isEqualTo(State.FIRING);
                assertThat(c.group().id()).isEqualTo(id);
                assertThat(c.notes()).singleElement().isInstanceOf(AlertNote.Reopened.class);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aResendOfAGroupWhoseMessageWasNeverPostedIsAChangeSoItGetsPosted(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            String start = "2026-11-22T02:58:00Z";
            // The opening request stored the group and died before its message reached the outbox.
            long id = alerts.receive(parse(webhook("firing", start, "1200", "firing"))).changes().getFirst().group().id();

            Alerts.Intake resend = alerts.receive(parse(webhook("firing", start, "1200", "firing")));

            assertThat(resend.repeats()).isEqualTo(1);
            assertThat(resend.changes()).singleElement().satisfies(c -> {
                assertThat(c.group().id()).isEqualTo(id);
                assertThat(c.opened()).isFalse();
                assertThat(c.notes()).isEmpty();
            });
            alerts.attachMessage(id, new OutboxStore(db, clock).enqueuePost("#cdc-alerts", null, "{}"));
            assertThat(alerts.receive(parse(webhook("firing", start, "1200", "firing"))).changes()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupResolvesItselfWhenEveryAlertResolvesAndANewAlertInAnAcknowledgedGroupMentionsTheAcknowledger(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            String start = "2026-11-22T02:58:00Z";
            long id = alerts.receive(parse(webhook("firing", start, "1", "firing"))).changes().getFirst().group().id();
            alerts.acknowledge(id, "U0ALICE001");

            Alerts.Intake more = alerts.receive(parse(webhook("firing", start, "1", "firing", "firing")));
            assertThat(more.changes().getFirst().notes()).singleElement().isInstanceOfSatisfying(AlertNote.NewAlerts.class,
                    n -> assertThat(n.ackedBy()).contains("U0ALICE001"));
            assertThat(alerts.mayAct(alerts.group(id).orElseThrow(), "U0ALICE001",
                    org.opsbot.commands.access.GroupDirectory.none()).allowed()).isTrue();

            Alerts.Intake allResolved = alerts.receive(parse(webhook("resolved", start, "1", "resolved", "resolved")));
            assertThat(allResolved.changes().getFirst().group().state()).isEqualTo(State.RESOLVED);
            assertThat(allResolved.changes().getFirst().notes()).last().isEqualTo(new AlertNote.ResolvedAtSource());
            assertThat(alerts.acknowledge(id, "U0ALICE001")).isInstanceOf(ActionResult.Unchanged.class);
            assertThat(alerts.group(id).orElseThrow().state()).isEqualTo(State.RESOLVED);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theSameNotificationDeliveredTwiceAtOnceOpensOneGroupAndReportsItOnce(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            Notification n = parse(webhook("firing", "2026-11-22T02:58:00Z", "1", "firing", "firing", "firing"));
            for (int round = 0; round < 5; round++) {
                Notification episode = round == 0 ? n
                        : parse(webhook("firing", "2026-11-22T02:5" + round + ":00Z", "1", "firing").replace("ReplicationLagHigh", "Lag" + round));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Alerts.Intake>> results = new ArrayList<>();
                try (var pool = Executors.newFixedThreadPool(4)) {
                    for (int i = 0; i < 4; i++) {
                        results.add(pool.submit((Callable<Alerts.Intake>) () -> {
                            go.await();
                            return alerts.receive(episode);
                        }));
                    }
                    go.countDown();
                    long opened = 0;
                    long changed = 0;
                    for (Future<Alerts.Intake> r : results) {
                        opened += r.get().changes().stream().filter(GroupChange::opened).count();
                        // A duplicate may also come back as "make sure its message is posted"
                        // (no message is attached here), which changes nothing in Slack.
                        changed += r.get().changes().stream().filter(c -> c.opened() || c.parentChanged()
                                || !c.notes().isEmpty()).count();
                    }
                    assertThat(opened).isEqualTo(1);
                    assertThat(changed).isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void twoAcksAtOnceMakeOneAckAndASnoozeEndsOnce(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            long id = alerts.receive(parse(webhook("firing", "2026-11-22T02:58:00Z", "1", "firing"))).changes().getFirst().group().id();
            List<Future<ActionResult>> acks = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            try (var pool = Executors.newFixedThreadPool(2)) {
                for (String user : List.of("U0ALICE001", "U0BOB00001")) {
                    acks.add(pool.submit(() -> {
                        go.await();
                        return alerts.acknowledge(id, user);
                    }));
                }
                go.countDown();
                long done = 0;
                for (Future<ActionResult> a : acks) {
                    done += a.get() instanceof ActionResult.Done ? 1 : 0;
                }
                assertThat(done).isEqualTo(1);
            }

            alerts.snooze(id, "U0ALICE001", Duration.ofMinutes(30));
            assertThat(alerts.endExpiredMutes()).isEmpty();
            clock.advance(Duration.ofMinutes(31));
            assertThat(alerts.endExpiredMutes()).singleElement()
                    .satisfies(c -> assertThat(c.notes()).containsExactly(new AlertNote.SnoozeEnded()));
            assertThat(alerts.endExpiredMutes()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFiringGroupWhoseOpenerDiedIsUnfinishedUntilItHasBothAMessageAndAWalk(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            // The intake committed and then its process died: no message, no walk.
            long id = alerts.receive(parse(webhook("firing", "2026-11-22T02:58:00Z", "1200", "firing")))
                    .changes().getFirst().group().id();
            Duration grace = Duration.ofSeconds(30);
            assertThat(alerts.unfinishedOpenings(grace, 50))
                    .as("a live opener may still be publishing it").isEmpty();

            clock.advance(Duration.ofSeconds(31));
            assertThat(alerts.unfinishedOpenings(grace, 50)).extracting(StoredAlertGroup::id).containsExactly(id);

            alerts.acknowledge(id, "U0ALICE001");
            assertThat(alerts.unfinishedOpenings(grace, 50)).as("only firing groups need a walk").isEmpty();
            alerts.unacknowledge(id, "U0ALICE001");

            alerts.attachMessage(id, new OutboxStore(db, clock).enqueuePost("#cdc-alerts", null, "{}"));
            assertThat(alerts.unfinishedOpenings(grace, 50))
                    .as("posted, but its walk never started").extracting(StoredAlertGroup::id).containsExactly(id);

            EscalationStore walks = new EscalationStore(db, clock);
            walks.insert(EscalationSteps.open("alert-group:" + id, "cdc", "P1", new Escalation(0, Optional.empty(), List.of()), Optional.empty(), clock.instant()).walk(),
                    List.of());
            assertThat(alerts.unfinishedOpenings(grace, 50)).isEmpty();
        }
    }
}
