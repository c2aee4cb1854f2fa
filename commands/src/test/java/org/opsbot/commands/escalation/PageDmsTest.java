package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.model.PageDm;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class PageDmsTest {
    private static final String BOB = "U0BOB00001";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }


    @ParameterizedTest
    @MethodSource("dialects")
    void pagesWithinTwoMinutesOfThePersonsLastPageGatherIntoItsDmAndALaterOneStartsAnother(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            PageDms dms = new PageDms(db, clock);
            assertThat(dms.gathering(BOB)).isEmpty();
            PageDm dm = dms.open(BOB, 7, dms.page("alert-group:1", 1, "On-call engineer", "opened"));

            clock.advance(Duration.ofSeconds(90));
            assertThat(dms.gathering(BOB)).map(PageDm::id).contains(dm.id());
            assertThat(dms.join(dm, dms.page("alert-group:2", 1, "On-call engineer", "opened"))).isTrue();
            assertThat(dms.gathering("U0LEAD0001")).as("another person's pages are theirs").isEmpty();

            clock.advance(Duration.ofSeconds(110));
            assertThat(dms.gathering(BOB)).as("the window counts from the last page, not the first")
                    .map(PageDm::id).contains(dm.id());
            clock.advance(Duration.ofSeconds(10));
            assertThat(dms.gathering(BOB)).as("two minutes after the last page the storm is over").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aSubjectPagedAgainKeepsItsLineAndShowsItsNewTier(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            PageDms dms = new PageDms(db, clock);
            PageDm dm = dms.open(BOB, 7, dms.page("alert-group:1", 1, "On-call engineer", "opened"));
            clock.advance(Duration.ofSeconds(30));
            assertThat(dms.join(dm, dms.page("alert-group:1", 3, "Team lead", "escalated by <@U0ALICE001>"))).isFalse();

            assertThat(dms.pages(dm.id())).singleElement().satisfies(p -> {
                assertThat(p.tier()).isEqualTo(3);
                assertThat(p.tierName()).isEqualTo("Team lead");
                assertThat(p.joinedAt()).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
                assertThat(p.pagedAt()).isEqualTo(Instant.parse("2026-11-22T03:00:30Z"));
            });
            assertThat(dms.holding("alert-group:1")).containsExactly(dm.id());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aBurstOfJoinersGoesIntoOneThreadReplyAndALaterJoinerGetsItsOwn(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            PageDms dms = new PageDms(db, clock);
            PageDm dm = dms.open(BOB, 7, dms.page("alert-group:1", 1, "On-call engineer", "opened"));
            assertThat(dms.openReply(dm)).isEmpty();
            dms.replied(dm, 8);
            clock.advance(Duration.ofSeconds(5));
            assertThat(dms.openReply(dms.find(dm.id()).orElseThrow()))
                    .contains(new PageDms.Reply(8, Instant.parse("2026-11-22T03:00:00Z")));
            clock.advance(Duration.ofSeconds(5));
            assertThat(dms.openReply(dms.find(dm.id()).orElseThrow())).as("the next joiner notifies again").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aDmAndWhatItListsOutliveARestart(Dialect dialect) {
        Supplier<Database> database = TestDatabases.reopenable(dialect);
        long id;
        try (Database db = database.get()) {
            PageDms dms = new PageDms(db, clock);
            PageDm dm = dms.open(BOB, 7, dms.page("alert-group:1", 1, "On-call engineer", "opened"));
            dms.join(dm, dms.page("incident:3", 2, "Day team", "declared"));
            dms.replied(dm, 9);
            id = dm.id();
        }
        clock.advance(Duration.ofSeconds(60));
        try (Database db = database.get()) {
            PageDms dms = new PageDms(db, clock);
            PageDm dm = dms.gathering(BOB).orElseThrow();
            assertThat(dm.id()).isEqualTo(id);
            assertThat(dm.messageId()).isEqualTo(7);
            assertThat(dm.replyId()).contains(9L);
            assertThat(dms.pages(id)).extracting(PageDm.Page::subject).containsExactly("alert-group:1", "incident:3");
            assertThat(dms.holding("incident:3")).containsExactly(id);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aDmIsOwedARedrawFromTheTransactionThatStoresItsSubjectsChangeUntilADrawHasReadIt(Dialect dialect) {
        Supplier<Database> database = TestDatabases.reopenable(dialect);
        String group = "alert-group:1";
        long id;
        try (Database db = database.get()) {
            PageDms dms = new PageDms(db, clock);
            Escalations escalations = escalations(db);
            escalations.open(group, "cdc", "P1");
            id = dms.open(BOB, 7, dms.page(group, 1, "On-call engineer", "opened")).id();
            assertThat(dms.owed()).as("a DM is posted as it is drawn").isEmpty();

            // The process dies once the ack is stored, before anything redraws the DM.
            escalations.acknowledged(group, BOB);
        }
        try (Database db = database.get()) {
            PageDms dms = new PageDms(db, clock);
            assertThat(dms.owed()).as("the next process finds the redraw owed").containsExactly(id);

            PageDm read = dms.find(id).orElseThrow();
            escalations(db).unacknowledged(group, BOB);
            dms.drawn(read);
            assertThat(dms.owed()).as("a change while it was drawn is still owed").containsExactly(id);
            dms.drawn(dms.find(id).orElseThrow());
            assertThat(dms.owed()).isEmpty();
            dms.drawn(read);
            assertThat(dms.owed()).as("a slower drawer of an older state does not owe it again").isEmpty();

            dms.join(dms.find(id).orElseThrow(), dms.page("alert-group:2", 1, "On-call engineer", "opened"));
            assertThat(dms.owed()).as("a page joining it is owed too").containsExactly(id);
            dms.drawn(dms.find(id).orElseThrow());

            escalations(db).resolved(group, "opsbot");
            dms.drawn(dms.find(id).orElseThrow());
            escalations(db).acknowledged(group, BOB);
            assertThat(escalations(db).find(group)).map(org.opsbot.commands.model.Walk::status)
                    .contains(org.opsbot.commands.model.Walk.Status.STOPPED);
            assertThat(dms.owed()).as("a change of the subject that leaves its walk as it was").containsExactly(id);
        }
    }

    /** The engine over {@code db}, with a pager that never redraws anything (the process dies first). */
    private Escalations escalations(Database db) {
        return new Escalations(new EscalationStore(db, clock), ConfigParser.parse("""
                teams:
                  cdc:
                    channel: "#cdc"
                    escalation:
                      tiers:
                        - {name: On-call engineer, notify: [U0BOB00001]}
                routes: [{team: cdc}]
                """, "opsbot.yaml").require(), GroupDirectory.none(), new OverrideStore(db, clock), new AuditLog(db, clock),
                (walk, tier, why) -> new Pager.Result(List.of(), List.of()), clock);
    }
}
