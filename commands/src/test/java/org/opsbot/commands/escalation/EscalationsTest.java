package org.opsbot.commands.escalation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class EscalationsTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles: {responders: [U0ALICE001]}
            severities:
              - {name: P1, description: Outage, ack-within: 5m, resolve-within: 30m}
              - {name: P2, description: Degraded, ack-within: 1h}
            schedules:
              primary: {time-zone: UTC, rotation: weekly, start: 2026-01-05, hand-off: "Mon 09:00",
                        members: [U0ALICE001, U0BOB00001]}
            teams:
              cdc:
                channel: "#cdc"
                responders: responders
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:primary"]}
                    - {name: Lead, after: 30m, notify: [U0LEAD0001]}
                    - {name: Manager, after: 60m, notify: [U0MGR00001]}
                    - {name: CTO, after: 60m, notify: [U0CTO00001], severities: [P1]}
              pair:
                channel: "#pair"
                escalation:
                  tiers:
                    - {name: Both, notify: [U0ALICE001, U0BOB00001]}
                    - {name: Lead, after: 15m, notify: [U0LEAD0001]}
              looping:
                channel: "#loop"
                escalation:
                  repeat: 1
                  repeat-after: 10m
                  tiers:
                    - {name: Only, notify: [U0LOOP0001]}
            routes: [{team: cdc}]
            """, "opsbot.yaml").require();

    /** Records every page; people in {@code dnd} are not reached. */
    static final class RecordingPager implements Pager {
        final List<String> pages = Collections.synchronizedList(new ArrayList<>());
        final Set<String> dnd = new HashSet<>();
        final List<WalkEvent.Kind> told = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void tell(Walk walk, WalkEvent event) {
            told.add(event.kind());
        }

        @Override
        public Result page(Walk walk, OnCallRoster.TierOnCall tier, String why) {
            List<String> reached = new ArrayList<>();
            List<String> unreachable = new ArrayList<>();
            for (OnCallRoster.Person p : tier.people()) {
                (dnd.contains(p.userId()) ? unreachable : reached).add(p.userId());
                pages.add(tier.name() + ":" + p.userId() + (dnd.contains(p.userId()) ? " (dnd)" : ""));
            }
            return new Result(reached, unreachable.stream().map(u -> u + " is in Do Not Disturb").toList());
        }
    }

    // Tuesday 13 January 2026: Bob has the primary week.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final RecordingPager pager = new RecordingPager();
    private final String dbUrl = TestDatabases.sqliteUrl();
    private Database db = Database.open(dbUrl);
    private Escalations escalations = escalations(db, pager);

    private Escalations escalations(Database database, Pager p) {
        return new Escalations(new EscalationStore(database, clock), CONFIG, GroupDirectory.none(),
                new OverrideStore(database, clock), new AuditLog(database, clock), p, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void after(Duration d) {
        clock.advance(d);
        escalations.fireDue();
    }

    private List<WalkEvent.Kind> kinds(String subject) {
        return escalations.history(subject).stream().map(WalkEvent::kind).toList();
    }

    @Test
    void anUnacknowledgedAlertReachesEachTierAtItsTime() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001");

        after(Duration.ofMinutes(29));
        assertThat(pager.pages).hasSize(1);
        after(Duration.ofMinutes(1));
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "Lead:U0LEAD0001");
        after(Duration.ofMinutes(30));
        assertThat(pager.pages).as("manager and CTO share a wait: notified together")
                .containsExactly("On-call:U0BOB00001", "Lead:U0LEAD0001", "Manager:U0MGR00001", "CTO:U0CTO00001");
        assertThat(escalations.find("alert-group:1").orElseThrow().status()).isEqualTo(Walk.Status.ENDED);
        assertThat(pager.told).as("the thread is told the walk ended").containsExactly(WalkEvent.Kind.ENDED);
        assertThat(kinds("alert-group:1")).containsExactly(WalkEvent.Kind.OPENED, WalkEvent.Kind.NOTIFIED,
                WalkEvent.Kind.NOTIFIED, WalkEvent.Kind.NOTIFIED, WalkEvent.Kind.NOTIFIED, WalkEvent.Kind.ENDED);
    }

    @Test
    void aGroupHeldByMaintenancePagesNobodyUntilReleasedThenWalksFromTheFirstTierAndTheThreadIsTold() {
        escalations.hold("alert-group:1", "cdc", "P1", "maintenance window cdc-weekly");
        after(Duration.ofHours(3));
        assertThat(pager.pages).as("held: nothing is due").isEmpty();
        assertThat(escalations.find("alert-group:1").orElseThrow().dueAt()).isEmpty();

        escalations.release("alert-group:1", "maintenance window cdc-weekly");
        escalations.fireDue();
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001");
        assertThat(pager.told).containsExactly(WalkEvent.Kind.REOPENED);
        assertThat(escalations.history("alert-group:1")).extracting(WalkEvent::detail).contains(
                "opened during maintenance window cdc-weekly: nobody is paged until it ends",
                "maintenance window cdc-weekly ended while this was still firing: escalation starts now");

        escalations.release("alert-group:1", "maintenance window cdc-weekly");
        after(Duration.ofMinutes(29));
        assertThat(pager.pages).as("a second release changes nothing").hasSize(1);
    }

    @Test
    void releasingLeavesAnAcknowledgedOrSnoozedOrWalkingGroupAsItIs() {
        escalations.hold("alert-group:1", "cdc", "P1", "maintenance #1");
        escalations.acknowledged("alert-group:1", "U0BOB00001");
        escalations.open("alert-group:2", "cdc", "P1");
        escalations.fireDue();
        escalations.hold("alert-group:3", "cdc", "P1", "maintenance #1");
        escalations.pause("alert-group:3", "U0BOB00001", clock.instant().plus(Duration.ofHours(1)));
        escalations.hold("alert-group:4", "cdc", "P2", "maintenance #1"); // P2: an ack sets nothing due
        escalations.acknowledged("alert-group:4", "U0BOB00001");

        for (String subject : List.of("alert-group:1", "alert-group:2", "alert-group:3", "alert-group:4")) {
            escalations.release(subject, "maintenance #1");
        }
        escalations.fireDue();
        assertThat(pager.pages).as("only the group that was walking anyway").containsExactly("On-call:U0BOB00001");
        assertThat(pager.told).isEmpty();
    }

    @Test
    void aResolvedGroupThatFiresAgainDuringMaintenanceIsHeldAndOneStillWalkingGoesOn() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        escalations.resolved("alert-group:1", "opsbot");
        escalations.hold("alert-group:1", "cdc", "P1", "maintenance #1");
        escalations.open("alert-group:2", "cdc", "P1");
        escalations.hold("alert-group:2", "cdc", "P1", "maintenance #1");

        after(Duration.ofMinutes(1));
        assertThat(escalations.find("alert-group:1").orElseThrow().status()).isEqualTo(Walk.Status.ACKNOWLEDGED);
        assertThat(pager.pages).as("group 1 once before it resolved, group 2 on its walk")
                .containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
    }

    @Test
    void aStepTheDeadLeaseHolderWasFiringIsFiredAtOnceByTheNextHolder() {
        escalations.open("alert-group:1", "cdc", "P1");
        // The holder claimed the walk to fire it and was killed before it saved the step.
        assertThat(new EscalationStore(db, clock, "dead-replica").claimDue(clock.instant(), Duration.ofMinutes(2), 10)).hasSize(1);
        Escalations next = new Escalations(new EscalationStore(db, clock, "next-replica"), CONFIG, GroupDirectory.none(),
                new OverrideStore(db, clock), new AuditLog(db, clock), pager, clock);
        next.fireDue();
        assertThat(pager.pages).as("claimed by the dead holder").isEmpty();

        assertThat(next.takeOverClaims()).isEqualTo(1);
        next.fireDue();

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001");
        assertThat(next.takeOverClaims()).as("its own saved step is nobody's claim").isZero();
    }

    @Test
    void anAcknowledgedAlertStopsTheWalk() {
        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();
        escalations.acknowledged("alert-group:1", "U0BOB00001");

        after(Duration.ofHours(5));
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001");
        assertThat(escalations.history("alert-group:1").getLast().detail()).isEqualTo("acknowledged by <@U0BOB00001>");
    }

    @Test
    void aCriticalOnlyTierIsPassedOverForWarnings() {
        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();
        after(Duration.ofMinutes(30));
        after(Duration.ofMinutes(30));

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "Lead:U0LEAD0001", "Manager:U0MGR00001");
        assertThat(escalations.history("alert-group:1")).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(WalkEvent.Kind.PASSED_OVER);
            assertThat(e.detail()).isEqualTo("CTO: only for P1");
        });
    }

    @Test
    void aTierWhosePeopleAreAllInDoNotDisturbIsPassedAtOnceAndSaid() {
        pager.dnd.add("U0BOB00001");
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001 (dnd)", "Lead:U0LEAD0001");
        assertThat(escalations.history("alert-group:1").get(1).detail())
                .isEqualTo("On-call could not be reached (U0BOB00001 is in Do Not Disturb): moving on at once");
        assertThat(pager.told).as("the thread is told").containsExactly(WalkEvent.Kind.UNREACHABLE);
        after(Duration.ofMinutes(29));
        assertThat(pager.pages).as("the manager's wait counts from the lead's early page").hasSize(2);
        after(Duration.ofMinutes(1));
        assertThat(pager.pages).contains("Manager:U0MGR00001");
    }

    @Test
    void anAckNotFollowedByAResolveEscalatesAgainAfterResolveWithin() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        escalations.acknowledged("alert-group:1", "U0BOB00001");

        after(Duration.ofMinutes(29));
        assertThat(pager.pages).hasSize(1);
        after(Duration.ofMinutes(1));
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
        assertThat(kinds("alert-group:1")).contains(WalkEvent.Kind.REOPENED);
        escalations.resolved("alert-group:1", "U0BOB00001");
        after(Duration.ofHours(3));
        assertThat(pager.pages).hasSize(2);
    }

    @Test
    void escalatingByHandNotifiesTheNextTierAtOnceAndLaterWaitsCountFromThen() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        clock.advance(Duration.ofMinutes(5));

        escalations.escalate("alert-group:1", "U0BOB00001", "database is down, need the lead");

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "Lead:U0LEAD0001");
        assertThat(escalations.history("alert-group:1")).anySatisfy(e ->
                assertThat(e.detail()).isEqualTo("escalated by <@U0BOB00001>: database is down, need the lead"));
        after(Duration.ofMinutes(29));
        assertThat(pager.pages).hasSize(2);
        after(Duration.ofMinutes(1));
        assertThat(pager.pages).contains("Manager:U0MGR00001", "CTO:U0CTO00001");
    }

    @Test
    void unacknowledgingStartsAgainFromTheFirstTier() {
        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();
        escalations.acknowledged("alert-group:1", "U0BOB00001");
        clock.advance(Duration.ofMinutes(45));

        // Someone else takes the ack back (Bob's own unack would not page him: he knows).
        escalations.unacknowledged("alert-group:1", "U0ALICE001");
        escalations.fireDue();

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
    }

    @Test
    void aPolicyThatRepeatsStartsAgainAndThenEnds() {
        escalations.open("alert-group:9", "looping", "P2");
        escalations.fireDue();
        after(Duration.ofMinutes(10));
        after(Duration.ofMinutes(10));

        assertThat(pager.pages).containsExactly("Only:U0LOOP0001", "Only:U0LOOP0001");
        assertThat(kinds("alert-group:9")).containsSubsequence(WalkEvent.Kind.REPEATED, WalkEvent.Kind.ENDED);
    }

    @Test
    void aRestartInTheMiddleResumesWhereTheDatabaseSays() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();
        db.close();
        clock.advance(Duration.ofMinutes(45));

        db = Database.open(dbUrl);
        escalations = escalations(db, pager);
        escalations.fireDue();

        assertThat(pager.pages).as("the overdue tier fires once, at once").containsExactly("On-call:U0BOB00001", "Lead:U0LEAD0001");
        escalations.fireDue();
        assertThat(pager.pages).hasSize(2);
    }

    @Test
    void openingTheSameSubjectTwiceStartsOneWalk() {
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.open("alert-group:1", "cdc", "P1");
        escalations.fireDue();

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001");
    }

    @Test
    void aSubjectThatFiresAgainAfterItsResolveStartsOver() {
        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();
        escalations.resolved("alert-group:1", "opsbot");
        clock.advance(Duration.ofHours(2));

        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();

        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
        assertThat(escalations.history("alert-group:1")).anySatisfy(e ->
                assertThat(e.detail()).isEqualTo("fired again: escalation starts over"));
    }

    @Test
    void aSnoozePausesTheWalkUntilItEnds() {
        escalations.open("alert-group:1", "cdc", "P2");
        escalations.fireDue();
        escalations.pause("alert-group:1", "U0BOB00001", clock.instant().plus(Duration.ofHours(2)));

        after(Duration.ofMinutes(119));
        assertThat(pager.pages).as("the lead is not paged while snoozed").hasSize(1);
        after(Duration.ofMinutes(1));
        assertThat(pager.pages).containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
    }

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void twoReplicasFiringAtOnceNotifyEachTierOnce(Dialect dialect) throws Exception {
        try (Database shared = TestDatabases.open(dialect)) {
            RecordingPager one = new RecordingPager();
            RecordingPager two = new RecordingPager();
            Escalations a = escalations(shared, one);
            Escalations b = escalations(shared, two);
            for (int i = 0; i < 40; i++) {
                a.open("alert-group:" + i, "cdc", "P1");
            }
            CountDownLatch go = new CountDownLatch(1);
            try (var replicas = Executors.newFixedThreadPool(2)) {
                replicas.submit(() -> { go.await(); return a.fireDue(); });
                replicas.submit(() -> { go.await(); return b.fireDue(); });
                go.countDown();
            }
            assertThat(one.pages.size() + two.pages.size()).isEqualTo(40);
        }
    }

    // ---------------------------------------------------------------------------------------
    // No self-pages: whoever declared, unacknowledged or escalated it knows.

    @ParameterizedTest
    @MethodSource("dialects")
    void whoDeclaredItAloneInTheFirstTierIsNotPagedAndTheNextTierComesAtItsOwnTime(Dialect dialect) {
        try (Database shared = TestDatabases.open(dialect)) {
            escalations(shared, pager).open("incident:7", "cdc", "P1", Optional.of(Walk.Aware.declared("U0BOB00001")));
            // A restart between the declaration and the first step: the walk still spares Bob.
            Escalations restarted = escalations(shared, pager);
            restarted.fireDue();
            assertThat(pager.pages).as("Bob, on call, declared it").isEmpty();
            assertThat(restarted.history("incident:7")).filteredOn(e -> e.kind() == WalkEvent.Kind.NOTIFIED)
                    .extracting(WalkEvent::detail).containsExactly("On-call: <@U0BOB00001> declared it, so is not paged");
            assertThat(pager.told).as("the thread says why nobody was paged").containsExactly(WalkEvent.Kind.NOTIFIED);
            Walk walk = restarted.find("incident:7").orElseThrow();
            assertThat(walk.aware()).contains(Walk.Aware.declared("U0BOB00001"));
            assertThat(walk.dueAt()).contains(Instant.parse("2026-01-13T10:30:00Z"));
            assertThat(new AuditLog(shared, clock).latest(10)).filteredOn(e -> e.action().equals("escalation.notified"))
                    .extracting(e -> e.details().get("detail")).containsExactly("On-call: <@U0BOB00001> declared it, so is not paged");

            clock.advance(Duration.ofMinutes(29));
            restarted.fireDue();
            assertThat(pager.pages).as("the tier counts as reached: no moving on at once").isEmpty();
            clock.advance(Duration.ofMinutes(1));
            restarted.fireDue();
            assertThat(pager.pages).containsExactly("Lead:U0LEAD0001");
        }
    }

    @Test
    void whoUnacknowledgedItIsNotPagedButTheOtherPersonInTheTierIs() {
        escalations.open("alert-group:3", "pair", "P2");
        escalations.fireDue();
        assertThat(pager.pages).containsExactly("Both:U0ALICE001", "Both:U0BOB00001");
        Walk opened = escalations.find("alert-group:3").orElseThrow();
        assertThat(opened.aware()).isEmpty();
        assertThat(opened.dueAt()).contains(Instant.parse("2026-01-13T10:15:00Z"));
        escalations.acknowledged("alert-group:3", "U0ALICE001");

        escalations.unacknowledged("alert-group:3", "U0ALICE001");
        escalations.fireDue();
        assertThat(pager.pages).containsExactly("Both:U0ALICE001", "Both:U0BOB00001", "Both:U0BOB00001");
        assertThat(escalations.history("alert-group:3").getLast().detail())
                .isEqualTo("Both: <@U0BOB00001>, <@U0ALICE001> unacknowledged it, so is not paged");
        after(Duration.ofMinutes(15));
        assertThat(pager.pages).last().isEqualTo("Lead:U0LEAD0001");
    }

    @Test
    void aResolveWithinRunningOutPagesWhoUnacknowledgedItAgain() {
        escalations.open("alert-group:4", "cdc", "P1");
        escalations.fireDue();
        escalations.acknowledged("alert-group:4", "U0BOB00001");
        escalations.unacknowledged("alert-group:4", "U0BOB00001");
        escalations.fireDue();
        assertThat(pager.pages).as("not re-paged by his own unack").containsExactly("On-call:U0BOB00001");

        escalations.acknowledged("alert-group:4", "U0BOB00001");
        after(Duration.ofMinutes(30));
        assertThat(pager.pages).as("the P1's resolve-within ran out: nobody's act")
                .containsExactly("On-call:U0BOB00001", "On-call:U0BOB00001");
    }

    @Test
    void someoneElsesEscalationPagesWhoDeclaredIt() {
        escalations.open("incident:8", "pair", "P1", Optional.of(Walk.Aware.declared("U0ALICE001")));
        escalations.fireDue();
        assertThat(pager.pages).containsExactly("Both:U0BOB00001");
        after(Duration.ofMinutes(15));
        assertThat(pager.pages).containsExactly("Both:U0BOB00001", "Lead:U0LEAD0001");

        // The walk ended; the lead escalates by hand, from the first tier again.
        escalations.escalate("incident:8", "U0LEAD0001", "still down");
        assertThat(pager.pages).containsExactly("Both:U0BOB00001", "Lead:U0LEAD0001", "Both:U0ALICE001", "Both:U0BOB00001");
    }

    @Test
    void theNextRoundOfARepeatingPolicyPagesWhoDeclaredIt() {
        escalations.open("incident:9", "looping", "P2", Optional.of(Walk.Aware.declared("U0LOOP0001")));
        escalations.fireDue();
        assertThat(pager.pages).isEmpty();
        after(Duration.ofMinutes(10));
        assertThat(pager.pages).containsExactly("Only:U0LOOP0001");
    }
}
