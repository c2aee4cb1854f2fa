package org.opsbot.commands.runbook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.model.ChecklistTick;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RunbookChecklistsTest {
    private static final Runbook MORNING = new Runbook("cdc-morning", "Morning", "cdc", Optional.empty(), List.of(), List.of(),
            List.of("Read the overnight alerts", "Review the reconciliation report"), List.of(), Path.of("cdc-morning.yaml"));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T09:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTickIsRecordedWithWhoAndWhenAndAudited(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            RunbookChecklists checklists = new RunbookChecklists(db, audit, clock);
            Instant viewPosted = clock.instant();
            clock.advance(Duration.ofMinutes(3));

            List<ChecklistTick> now = checklists.tick(MORNING, viewPosted, Set.of(1), "U0BOB00001");

            assertThat(now).containsExactly(new ChecklistTick("cdc-morning", 1, "Review the reconciliation report",
                    "U0BOB00001", clock.instant()));
            assertThat(checklists.ticks("cdc-morning", viewPosted)).isEqualTo(now);
            assertThat(audit.latest(1)).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("U0BOB00001");
                assertThat(e.action()).isEqualTo("checklist.tick");
                assertThat(e.subject()).isEqualTo("cdc-morning");
                assertThat(e.details()).containsEntry("text", "Review the reconciliation report");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anItemTickedInTheViewAlreadyAndPositionsBeyondTheChecklistRecordNothing(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            AuditLog audit = new AuditLog(db, clock);
            RunbookChecklists checklists = new RunbookChecklists(db, audit, clock);
            Instant viewPosted = clock.instant();
            checklists.tick(MORNING, viewPosted, Set.of(0), "U0BOB00001");
            clock.advance(Duration.ofMinutes(1));

            List<ChecklistTick> now = checklists.tick(MORNING, viewPosted, Set.of(0, 2, -1), "U0CAROL001");

            assertThat(now).extracting(ChecklistTick::tickedBy).containsExactly("U0BOB00001");
            assertThat(audit.latest(10)).hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aNewViewStartsWithNoTicksAndTicksItsItemsAgain(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookChecklists checklists = new RunbookChecklists(db, new AuditLog(db, clock), clock);
            checklists.tick(MORNING, clock.instant(), Set.of(0), "U0BOB00001");
            clock.advance(Duration.ofHours(1));
            Instant nextView = clock.instant();

            assertThat(checklists.ticks("cdc-morning", nextView)).isEmpty();
            assertThat(checklists.tick(MORNING, nextView, Set.of(0), "U0CAROL001"))
                    .extracting(ChecklistTick::tickedBy).containsExactly("U0CAROL001");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTickOfAnItemRewordedSinceDoesNotCount(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            RunbookChecklists checklists = new RunbookChecklists(db, new AuditLog(db, clock), clock);
            Instant viewPosted = clock.instant();
            checklists.tick(MORNING, viewPosted, Set.of(0), "U0BOB00001");
            Runbook reworded = new Runbook("cdc-morning", "Morning", "cdc", Optional.empty(), List.of(), List.of(),
                    List.of("Read last night's alerts", "Review the reconciliation report"), List.of(), Path.of("cdc-morning.yaml"));

            assertThat(RunbookChecklists.firstTicks(reworded, checklists.ticks("cdc-morning", viewPosted))).isEmpty();
            assertThat(checklists.tick(reworded, viewPosted, Set.of(0), "U0CAROL001"))
                    .extracting(ChecklistTick::tickedBy, ChecklistTick::text)
                    .contains(org.assertj.core.groups.Tuple.tuple("U0CAROL001", "Read last night's alerts"));
        }
    }
}
