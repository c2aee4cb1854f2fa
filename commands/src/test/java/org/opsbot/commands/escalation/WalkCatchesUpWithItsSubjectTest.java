package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's change is committed before its walk is told; a process killed in between leaves the
 * group acknowledged, snoozed or resolved and its walk still running. Each test stores the change
 * through {@link Alerts} alone (the kill) and lets the next tier fall due.
 */
class WalkCatchesUpWithItsSubjectTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            severities:
              - {name: P1, ack-within: 5m, resolve-within: 30m}
              - {name: P2, ack-within: 1h}
            teams:
              ops:
                channel: "#ops"
                escalation:
                  tiers:
                    - {name: On-call, notify: [U0ONCALL01]}
                    - {name: Lead, after: 30m, notify: [U0LEAD0001]}
            routes: [{team: ops}]
            """, "opsbot.yaml").require();

    /** Records every page, and what the pagers were told was settled. */
    static final class RecordingPager implements Pager {
        final List<String> pages = Collections.synchronizedList(new ArrayList<>());
        final List<String> settled = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Result page(Walk walk, OnCallRoster.TierOnCall tier, String why) {
            List<String> reached = tier.people().stream().map(OnCallRoster.Person::userId).toList();
            reached.forEach(p -> pages.add(tier.name() + ":" + p));
            return new Result(reached, List.of());
        }

        @Override
        public void settled(Walk walk, Settled how) {
            settled.add(walk.subject() + " " + how);
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final RecordingPager pager = new RecordingPager();

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    /** One process's engines over {@code db}: the alerts, and the walks reading them back. */
    private record Engines(Alerts alerts, Escalations escalations) {
    }

    private Engines engines(Database db) {
        return new Engines(new Alerts(db, CONFIG, clock), new Escalations(new EscalationStore(db, clock), () -> CONFIG,
                GroupDirectory.none(), new OverrideStore(db, clock), new AuditLog(db, clock), pager, clock,
                SubjectLabels.stored(new AlertStore(db)), SubjectStates.stored(new AlertStore(db))));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupAcknowledgedBeforeTheKillIsNotPagedAgain(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");

            e.alerts().acknowledge(id, "U0ONCALL01");
            clock.advance(Duration.ofMinutes(31));
            e.escalations().fireDue();

            assertThat(pager.pages).as("the lead is not paged for a group the on-call took").containsExactly("On-call:U0ONCALL01");
            Walk walk = e.escalations().find(subject(id)).orElseThrow();
            assertThat(walk.status()).isEqualTo(Walk.Status.ACKNOWLEDGED);
            assertThat(walk.dueAt()).as("P2 has no resolve-within: the walk waits for good").isEmpty();
            assertThat(e.escalations().history(subject(id)).getLast().detail()).isEqualTo("acknowledged by <@U0ONCALL01>");
            assertThat(pager.settled).containsExactly(subject(id) + " ACKNOWLEDGED");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupResolvedBeforeTheKillStopsItsWalk(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");

            e.alerts().resolve(id, "U0ONCALL01");
            clock.advance(Duration.ofMinutes(31));
            e.escalations().fireDue();
            clock.advance(Duration.ofHours(2));
            e.escalations().fireDue();

            assertThat(pager.pages).containsExactly("On-call:U0ONCALL01");
            assertThat(e.escalations().find(subject(id)).orElseThrow().status()).isEqualTo(Walk.Status.STOPPED);
            assertThat(e.escalations().history(subject(id)).getLast().detail())
                    .isEqualTo("resolved by <@U0ONCALL01>: escalation stopped");
            assertThat(pager.settled).containsExactly(subject(id) + " RESOLVED");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupSnoozedBeforeTheKillPagesAgainOnlyWhenTheSnoozeEnds(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");

            e.alerts().snooze(id, "U0ONCALL01", Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(31));
            e.escalations().fireDue();

            assertThat(pager.pages).containsExactly("On-call:U0ONCALL01");
            assertThat(e.escalations().find(subject(id)).orElseThrow().dueAt())
                    .contains(Instant.parse("2026-01-13T11:00:00Z"));
            assertThat(pager.settled).as("a snooze is not an ack for the pagers").isEmpty();

            clock.advance(Duration.ofMinutes(29));
            e.escalations().fireDue();
            assertThat(pager.pages).as("the snooze ended while it still fires: from the first tier again")
                    .containsExactly("On-call:U0ONCALL01", "On-call:U0ONCALL01");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anAckWhoseResolveWithinRanOutDuringTheOutageEscalatesAgainFromTheFirstTier(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P1");

            clock.advance(Duration.ofMinutes(1));
            e.alerts().acknowledge(id, "U0ONCALL01");
            clock.advance(Duration.ofHours(1));
            e.escalations().fireDue();
            e.escalations().fireDue();

            assertThat(pager.pages).as("acknowledged at 10:01, not resolved by 10:31: the first tier again, not the lead")
                    .containsExactly("On-call:U0ONCALL01", "On-call:U0ONCALL01");
            assertThat(e.escalations().history(subject(id))).extracting(WalkEvent::kind).containsSubsequence(
                    WalkEvent.Kind.ACKNOWLEDGED, WalkEvent.Kind.REOPENED, WalkEvent.Kind.NOTIFIED);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFiringGroupAndAnIncidentWalkOnAsBefore(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            firingGroup(e, "P2");
            e.escalations().open("incident:7", "ops", "P2");
            e.escalations().fireDue();

            clock.advance(Duration.ofMinutes(30));
            e.escalations().fireDue();

            assertThat(pager.pages).containsExactlyInAnyOrder("On-call:U0ONCALL01", "On-call:U0ONCALL01",
                    "Lead:U0LEAD0001", "Lead:U0LEAD0001");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupUnacknowledgedBeforeTheKillPagesTheFirstTierAgain(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");
            e.alerts().acknowledge(id, "U0ONCALL01");
            e.escalations().acknowledged(subject(id), "U0ONCALL01");
            clock.advance(Duration.ofMinutes(10));

            e.alerts().unacknowledge(id, "U0ONCALL01");
            clock.advance(Duration.ofMinutes(1));
            e.escalations().fireDue();

            assertThat(pager.pages).as("handed back with nothing due: the first tier again, without anyone acting")
                    .containsExactly("On-call:U0ONCALL01", "On-call:U0ONCALL01");
            assertThat(e.escalations().history(subject(id))).extracting(WalkEvent::kind).endsWith(
                    WalkEvent.Kind.UNACKNOWLEDGED, WalkEvent.Kind.NOTIFIED);
            assertThat(e.escalations().history(subject(id)).get(e.escalations().history(subject(id)).size() - 2).detail())
                    .isEqualTo("unacknowledged: escalating again from the first tier");

            clock.advance(Duration.ofMinutes(1));
            e.escalations().fireDue();
            assertThat(pager.pages).as("woken once: the walk goes on from there").hasSize(2);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aResolvedGroupThatFiresAgainBeforeTheKillIsPaged(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");
            e.alerts().resolve(id, "U0ONCALL01");
            e.escalations().resolved(subject(id), "U0ONCALL01");
            clock.advance(Duration.ofMinutes(10));

            assertThat(received(e, "f2", "db-2")).as("a new alert re-opens the same group").isEqualTo(id);
            clock.advance(Duration.ofMinutes(1));
            e.escalations().fireDue();

            assertThat(pager.pages).containsExactly("On-call:U0ONCALL01", "On-call:U0ONCALL01");
            assertThat(e.escalations().find(subject(id)).orElseThrow().status()).isEqualTo(Walk.Status.WALKING);
            assertThat(e.escalations().history(subject(id))).extracting(WalkEvent::detail)
                    .contains("fired again: escalation starts over");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anUnacknowledgeStillOnItsWayToTheWalkIsLeftToIt(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            long id = firingGroup(e, "P2");
            e.alerts().acknowledge(id, "U0ONCALL01");
            e.escalations().acknowledged(subject(id), "U0ONCALL01");
            clock.advance(Duration.ofMinutes(10));

            e.alerts().unacknowledge(id, "U0ONCALL01");
            clock.advance(Duration.ofSeconds(5));
            e.escalations().fireDue();
            e.escalations().unacknowledged(subject(id), "U0ONCALL01");
            e.escalations().fireDue();
            clock.advance(Duration.ofMinutes(1));
            e.escalations().fireDue();

            assertThat(e.escalations().history(subject(id))).extracting(WalkEvent::detail)
                    .as("walked again once, by the unacknowledge itself")
                    .filteredOn(detail -> detail.startsWith("unacknowledged"))
                    .containsExactly("unacknowledged by <@U0ONCALL01>: escalating again from the first tier");
            assertThat(pager.pages).as("who handed it back knows: tier 1 is not paged for them").hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupAcknowledgedAMomentAgoIsNotWokenBeforeItsWalkIsTold(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, CONFIG, clock);
            long[] acked = {1};
            // The ack lands between the search for waiting walks and the walk's wake-up.
            SubjectStates ackingMeanwhile = subject -> {
                if (acked[0] == 0) {
                    acked[0] = 1;
                    alerts.acknowledge(Long.parseLong(subject.substring(subject.indexOf(':') + 1)), "U0ONCALL01");
                }
                return SubjectStates.stored(new AlertStore(db)).of(subject);
            };
            Engines e = new Engines(alerts, new Escalations(new EscalationStore(db, clock), () -> CONFIG,
                    GroupDirectory.none(), new OverrideStore(db, clock), new AuditLog(db, clock), pager, clock,
                    SubjectLabels.stored(new AlertStore(db)), ackingMeanwhile));
            long id = received(e, "f1", "DiskFull");
            e.escalations().open(subject(id), "ops", "P2");
            alerts.acknowledge(id, "U0ONCALL01");
            e.escalations().acknowledged(subject(id), "U0ONCALL01");
            alerts.unacknowledge(id, "U0ONCALL01");
            clock.advance(Duration.ofMinutes(10));
            acked[0] = 0;

            e.escalations().fireDue();

            assertThat(e.escalations().history(subject(id))).extracting(WalkEvent::kind)
                    .as("left waiting: the ack is on its way to it").doesNotContain(WalkEvent.Kind.UNACKNOWLEDGED);
            assertThat(e.escalations().find(subject(id)).orElseThrow().status()).isEqualTo(Walk.Status.ACKNOWLEDGED);
            assertThat(pager.pages).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anAcknowledgedIncidentAndAHeldGroupAreNotWoken(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Engines e = engines(db);
            e.escalations().open("incident:7", "ops", "P2");
            e.escalations().fireDue();
            e.escalations().acknowledged("incident:7", "U0ONCALL01");
            long id = received(e, "f1", "DiskFull");
            e.escalations().hold(subject(id), "ops", "P2", "maintenance window cdc-weekly");

            clock.advance(Duration.ofHours(2));
            e.escalations().fireDue();

            assertThat(pager.pages).as("only the incident's first page, before its ack").containsExactly("On-call:U0ONCALL01");
            assertThat(e.escalations().find("incident:7").orElseThrow().status()).isEqualTo(Walk.Status.ACKNOWLEDGED);
            assertThat(e.escalations().find(subject(id)).orElseThrow().status()).isEqualTo(Walk.Status.ACKNOWLEDGED);
        }
    }

    /** A firing group whose walk has paged its first tier. */
    private long firingGroup(Engines e, String severity) throws Exception {
        long id = received(e, "f1", "DiskFull");
        e.escalations().open(subject(id), "ops", severity);
        e.escalations().fireDue();
        return id;
    }

    /** The source sends the group's alert {@code fingerprint} ({@code name}) as firing; the group it landed in. */
    private long received(Engines e, String fingerprint, String name) throws Exception {
        String json = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"DiskFull","instance":"%s"},
                  "annotations":{},"startsAt":"2026-01-13T09:58:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}],
                 "groupLabels":{"alertname":"DiskFull"},"commonLabels":{},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}",
                 "truncatedAlerts":0}""".formatted(name, fingerprint);
        return e.alerts().receive(AlertSources.webhook("alertmanager").parse(json.getBytes(StandardCharsets.UTF_8)))
                .changes().getFirst().group().id();
    }

    private static String subject(long id) {
        return "alert-group:" + id;
    }
}
