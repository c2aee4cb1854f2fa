package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditEntry;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverridesTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            schedules:
              primary: {time-zone: UTC, rotation: weekly, start: 2026-01-05, hand-off: "Mon 09:00",
                        members: [U0ALICE001, U0BOB00001]}
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: Lead, notify: [U0LEAD0001]}
                    - {name: On-call, after: 10m, notify: ["schedule:primary"]}
              solo:
                channel: "#solo"
                escalation:
                  tiers:
                    - {name: Only, notify: [U0SOLO0001]}
            routes: [{team: cdc}]
            """, "opsbot.yaml").require();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void overrideTakesTheTeamsFirstScheduleFromNowAndIsAudited(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            Overrides overrides = new Overrides(db, CONFIG, audit, clock);

            Overrides.Created created = overrides.create(CONFIG.teams().get("cdc"), "U0CAROL001", Duration.ofHours(2), "U0LEAD0001");

            assertThat(created.schedule().name()).isEqualTo("primary");
            assertThat(created.before().orElseThrow().user()).isEqualTo("U0BOB00001");
            assertThat(created.override().from()).isEqualTo(clock.instant());
            assertThat(created.override().until()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
            assertThat(overrides.endingAfter(clock.instant())).containsExactly(created.override());
            assertThat(audit.latest(1)).singleElement().satisfies((AuditEntry e) -> {
                assertThat(e.actor()).isEqualTo("U0LEAD0001");
                assertThat(e.action()).isEqualTo("oncall.override");
                assertThat(e.subject()).isEqualTo("schedule:primary");
                assertThat(e.details()).containsEntry("user", "U0CAROL001").containsEntry("team", "cdc");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anOverrideLastsMoreThanNothingAndAtMost31Days(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            Overrides overrides = new Overrides(db, CONFIG, audit, clock);
            var cdc = CONFIG.teams().get("cdc");

            for (Duration refused : List.of(Duration.ZERO, Duration.ofMinutes(-5), Duration.ofDays(31).plusSeconds(1))) {
                assertThatThrownBy(() -> overrides.create(cdc, "U0CAROL001", refused, "U0LEAD0001"))
                        .isInstanceOfSatisfying(Overrides.Refused.class,
                                r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.DURATION));
            }
            assertThat(overrides.endingAfter(clock.instant())).isEmpty();
            assertThat(audit.latest(10)).isEmpty();

            assertThat(overrides.create(cdc, "U0CAROL001", Overrides.LONGEST, "U0LEAD0001").override().until())
                    .isEqualTo(clock.instant().plus(Duration.ofDays(31)));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTeamThatPagesNoScheduleHasNothingToOverrideAndTheDurationIsJudgedFirst(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            Overrides overrides = new Overrides(db, CONFIG, new AuditLog(db, clock), clock);
            var solo = CONFIG.teams().get("solo");

            assertThatThrownBy(() -> overrides.create(solo, "U0CAROL001", Duration.ofHours(1), "U0LEAD0001"))
                    .isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.NO_SCHEDULE));
            assertThatThrownBy(() -> overrides.create(solo, "U0CAROL001", Duration.ofDays(40), "U0LEAD0001"))
                    .isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.DURATION));
            assertThat(overrides.endingAfter(clock.instant())).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anOverrideMayStartLaterAndCoverPartOfAShiftAndTheLongestIsASetting(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            Overrides overrides = new Overrides(db, () -> CONFIG, audit, clock, Duration.ofDays(3));
            var primary = CONFIG.schedules().get("primary");
            Instant saturday = Instant.parse("2026-01-17T09:00:00Z");

            var created = overrides.create(primary, java.util.Optional.empty(), "U0CAROL001", saturday,
                    saturday.plus(Duration.ofDays(1)), "U0BOB00001");

            assertThat(created.before().orElseThrow().user()).as("who had it then").isEqualTo("U0BOB00001");
            assertThat(overrides.upcoming(java.util.Optional.of("primary"))).containsExactly(created.override());
            assertThat(Rotation.at(primary, overrides.endingAfter(clock.instant()), clock.instant()).orElseThrow().user())
                    .as("not yet").isEqualTo("U0BOB00001");
            assertThat(Rotation.at(primary, overrides.endingAfter(saturday), saturday.plusSeconds(3600)).orElseThrow().user())
                    .isEqualTo("U0CAROL001");
            assertThat(audit.latest(1).getFirst().details()).containsEntry("from", saturday.toString())
                    .doesNotContainKey("team");
            assertThatThrownBy(() -> overrides.create(primary, java.util.Optional.empty(), "U0CAROL001", saturday,
                    saturday.plus(Duration.ofDays(3)).plusSeconds(1), "U0BOB00001"))
                    .isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.DURATION));
            assertThatThrownBy(() -> overrides.create(primary, java.util.Optional.empty(), "U0CAROL001",
                    clock.instant().minus(Duration.ofHours(3)), clock.instant().minus(Duration.ofHours(1)), "U0BOB00001"))
                    .isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.OVER));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void itsAuthorOrThePersonItCoversOrTheRoleMayCancelAnOverrideOnce(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            Overrides overrides = new Overrides(db, CONFIG, audit, clock);
            var cdc = CONFIG.teams().get("cdc");
            long byLead = overrides.create(cdc, "U0CAROL001", Duration.ofHours(2), "U0LEAD0001").override().id();
            long forCarol = overrides.create(cdc, "U0CAROL001", Duration.ofHours(2), "U0LEAD0001").override().id();
            long third = overrides.create(cdc, "U0CAROL001", Duration.ofHours(2), "U0LEAD0001").override().id();

            assertThatThrownBy(() -> overrides.cancel(byLead, "U0DAVE0001", () -> false))
                    .isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.NOT_YOURS));
            assertThat(overrides.cancel(byLead, "U0LEAD0001", () -> false).id()).isEqualTo(byLead);
            assertThat(overrides.cancel(forCarol, "U0CAROL001", () -> false).id()).isEqualTo(forCarol);
            assertThat(overrides.cancel(third, "U0DAVE0001", () -> true).id()).isEqualTo(third);
            assertThatThrownBy(() -> overrides.cancel(third, "U0LEAD0001", () -> true))
                    .as("a second cancel finds nothing").isInstanceOfSatisfying(Overrides.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(Overrides.Refused.Reason.NOT_FOUND));

            assertThat(overrides.endingAfter(clock.instant())).isEmpty();
            assertThat(audit.latest(1).getFirst()).satisfies((AuditEntry e) -> {
                assertThat(e.action()).isEqualTo("oncall.override.cancel");
                assertThat(e.actor()).isEqualTo("U0DAVE0001");
                assertThat(e.details()).containsEntry("id", Long.toString(third));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCalendarTokenOpensItsFeedUntilRevokedAndOnlyItsHashIsStored(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            CalendarTokens tokens = new CalendarTokens(db, new AuditLog(db, clock), clock);
            String first = tokens.issue(CalendarTokens.Subject.schedule("primary"), "cli");
            String second = tokens.issue(CalendarTokens.Subject.schedule("primary"), "cli");
            String alice = tokens.issue(CalendarTokens.Subject.user("U0ALICE001"), "U0ALICE001");

            assertThat(first).hasSize(43).isNotEqualTo(second);
            assertThat(tokens.subject(first)).contains(CalendarTokens.Subject.schedule("primary"));
            assertThat(tokens.subject(alice)).contains(CalendarTokens.Subject.user("U0ALICE001"));
            assertThat(tokens.subject("x".repeat(43))).isEmpty();
            assertThat(tokens.subject("../../etc/passwd")).isEmpty();
            assertThat(new org.opsbot.commands.store.CalendarTokenStore(db, clock).subject(first))
                    .as("stored is the token's hash, not the token").isEmpty();

            assertThat(tokens.revoke(CalendarTokens.Subject.schedule("primary"), "cli")).isEqualTo(2);
            assertThat(tokens.subject(first)).isEmpty();
            assertThat(tokens.subject(second)).isEmpty();
            assertThat(tokens.subject(alice)).as("another subject's feed is untouched").isPresent();
        }
    }
}
