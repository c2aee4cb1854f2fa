package org.opsbot.commands.escalation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.model.PageDm;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class PageDmsTest {
    private static final String BOB = "U0BOB00001";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    /** Opens the same database again each time, as a restarted bot does. */
    private static Supplier<Database> sameDatabase(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> {
                String url = TestDatabases.sqliteUrl();
                yield () -> Database.open(url);
            }
            case POSTGRESQL -> {
                String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
                yield () -> Database.open(TestDatabases.POSTGRES_URL, schema);
            }
        };
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
        Supplier<Database> database = sameDatabase(dialect);
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
}
