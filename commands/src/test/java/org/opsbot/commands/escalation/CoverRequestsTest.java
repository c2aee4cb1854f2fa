package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.CoverRequest;
import org.opsbot.commands.store.CoverRequestStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cover requests on SQLite and PostgreSQL: of several takes one wins, by an override; the rest are told who. */
class CoverRequestsTest {
    private static final Schedule SCHEDULE = ConfigParser.parse("""
            schedules:
              cdc-primary:
                time-zone: UTC
                rotation: weekly
                start: 2026-01-05
                members: [U0ALICE001, U0BOB00001, U0CAROL001, U0DAVE0001]
            """, "opsbot.yaml").require().schedules().get("cdc-primary");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void ofTakesAtTheSameMomentOneWinsAndTheOthersHearWho(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            Overrides overrides = new Overrides(db, ConfigParser.parse("{}", "x").require(), new AuditLog(db, clock), clock);
            CoverRequests covers = new CoverRequests(db, overrides, new AuditLog(db, clock), clock);
            Instant from = clock.instant().plus(Duration.ofDays(1));
            CoverRequest request;
            try {
                request = covers.request(SCHEDULE, "U0ALICE001", from, from.plus(Duration.ofHours(8)), "dentist");
            } catch (CoverRequests.Refused e) {
                throw new AssertionError(e);
            }

            List<CoverRequests.Taken> taken = List.of("U0BOB00001", "U0CAROL001", "U0DAVE0001").stream()
                    .map(u -> CompletableFuture.supplyAsync(() -> covers.take(request.id(), u, SCHEDULE)))
                    .toList().stream().map(CompletableFuture::join).toList();

            List<CoverRequests.Taken.Covered> won = taken.stream()
                    .filter(CoverRequests.Taken.Covered.class::isInstance).map(CoverRequests.Taken.Covered.class::cast).toList();
            assertThat(won).hasSize(1);
            String winner = won.getFirst().override().override().user();
            assertThat(taken).filteredOn(CoverRequests.Taken.AlreadyTaken.class::isInstance).hasSize(2)
                    .allSatisfy(t -> assertThat(((CoverRequests.Taken.AlreadyTaken) t).by()).isEqualTo(winner));
            assertThat(overrides.upcoming(java.util.Optional.of("cdc-primary"))).singleElement()
                    .satisfies(o -> assertThat(o.from()).isEqualTo(from));
            assertThat(covers.find(request.id()).orElseThrow().overrideId())
                    .contains(won.getFirst().override().override().id());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void whenTwoTakesHaveBothSeenTheRequestOpenTheDatabaseLetsOneWin(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            // The race two replicas run: each has read the request untaken; only one UPDATE may take it.
            CoverRequestStore store = new CoverRequestStore(db, clock);
            CoverRequest request = store.add("cdc-primary", "U0ALICE001", clock.instant(), clock.instant().plusSeconds(3600), "");

            assertThat(store.take(request.id(), "U0BOB00001")).isTrue();
            assertThat(store.take(request.id(), "U0CAROL001")).isFalse();
            assertThat(store.find(request.id()).flatMap(CoverRequest::takenBy)).contains("U0BOB00001");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onlyOtherMembersTakeAndOnlyMembersAsk(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Overrides overrides = new Overrides(db, ConfigParser.parse("{}", "x").require(), new AuditLog(db, clock), clock);
            CoverRequests covers = new CoverRequests(db, overrides, new AuditLog(db, clock), clock);
            Instant now = clock.instant();
            assertThatThrownBy(() -> covers.request(SCHEDULE, "U0STRANGER", now, now.plusSeconds(3600), ""))
                    .hasMessage("NOT_A_MEMBER");
            // A request for a time that has started stays open until it ends.
            CoverRequest started = covers.request(SCHEDULE, "U0ALICE001", now.minusSeconds(600), now.plusSeconds(3600), "");

            assertThat(covers.take(started.id(), "U0ALICE001", SCHEDULE)).isInstanceOf(CoverRequests.Taken.Refused.class);
            assertThat(covers.take(started.id(), "U0STRANGER", SCHEDULE)).isInstanceOf(CoverRequests.Taken.Refused.class);
            clock.advance(Duration.ofMinutes(30));
            assertThat(covers.take(started.id(), "U0BOB00001", SCHEDULE)).isInstanceOf(CoverRequests.Taken.Covered.class);
        }
    }
}
