package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.model.OutboxEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class OutboxStoreTest {
    private static final Duration CLAIM = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private <T> T with(Dialect dialect, Function<OutboxStore, T> test) {
        try (Database db = TestDatabases.open(dialect)) {
            return test.apply(new OutboxStore(db, clock));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aHomeViewNotSentYetIsReplacedByTheNewerOneSoOnlyTheNewestIsSent(Dialect dialect) {
        with(dialect, outbox -> {
            long first = outbox.enqueueHome("U0ALICE001", "{\"blocks\":[1]}");
            long second = outbox.enqueueHome("U0ALICE001", "{\"blocks\":[2]}");
            long other = outbox.enqueueHome("U0BOB00001", "{\"blocks\":[9]}");
            assertThat(second).as("folded into the waiting one").isEqualTo(first);

            List<OutboxEntry> claimed = outbox.claimDue("w", CLAIM, 10);
            assertThat(claimed).extracting(OutboxEntry::id, OutboxEntry::kind, OutboxEntry::channel, OutboxEntry::payload)
                    .containsExactly(tuple(first, OutboxEntry.Kind.HOME, "U0ALICE001", "{\"blocks\":[2]}"),
                            tuple(other, OutboxEntry.Kind.HOME, "U0BOB00001", "{\"blocks\":[9]}"));

            long third = outbox.enqueueHome("U0ALICE001", "{\"blocks\":[3]}");
            assertThat(third).as("one being sent is not changed under its sender: the newer waits behind it").isNotEqualTo(first);
            assertThat(outbox.claimDue("w", CLAIM, 10)).isEmpty();
            outbox.markSent(first, "w", "U0ALICE001", null);
            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::payload).containsExactly("{\"blocks\":[3]}");
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aUserGroupsWaitingMembershipIsReplacedByTheNewerAndTheLastAskedIsKnownAfterItIsSent(Dialect dialect) {
        with(dialect, outbox -> {
            assertThat(outbox.lastUsergroup("cdc-oncall")).isEmpty();
            long first = outbox.enqueueUsergroup("cdc-oncall", "U0ALICE001");
            long second = outbox.enqueueUsergroup("cdc-oncall", "U0CAROL001");
            long other = outbox.enqueueUsergroup("night-oncall", "U0DAVE0001");
            assertThat(second).as("folded into the waiting one").isEqualTo(first);
            assertThat(outbox.lastUsergroup("cdc-oncall")).contains("U0CAROL001");

            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id, OutboxEntry::kind, OutboxEntry::channel, OutboxEntry::payload)
                    .containsExactly(tuple(first, OutboxEntry.Kind.USERGROUP, "cdc-oncall", "U0CAROL001"),
                            tuple(other, OutboxEntry.Kind.USERGROUP, "night-oncall", "U0DAVE0001"));
            outbox.markSent(first, "w", "cdc-oncall", null);
            assertThat(outbox.lastUsergroup("cdc-oncall")).as("sent, it is still what was last asked").contains("U0CAROL001");
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void postsOfOneChannelAreHandedOutOneAtATimeInOrder(Dialect dialect) {
        with(dialect, outbox -> {
            long first = outbox.enqueuePost("#alerts", null, "{\"text\":\"1\"}");
            long second = outbox.enqueuePost("#alerts", null, "{\"text\":\"2\"}");
            long other = outbox.enqueuePost("#other", null, "{\"text\":\"x\"}");

            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(first, other);
            assertThat(outbox.claimDue("w", CLAIM, 10)).as("claimed calls are not handed out twice").isEmpty();

            outbox.markSent(first, "w", "C1", "1.1");
            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(second);
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void threadRepliesWaitForTheirParentButNotForLaterTopLevelPostsAndKeepTheirOrder(Dialect dialect) {
        with(dialect, outbox -> {
            long parent = outbox.enqueuePost("#alerts", null, "{\"text\":\"group 1\"}");
            long later = outbox.enqueuePost("#alerts", null, "{\"text\":\"group 2\"}");
            long note = outbox.enqueueReply(parent, "{\"text\":\"tier 1 paged\"}");
            long secondNote = outbox.enqueueReply(parent, "{\"text\":\"acknowledged\"}");
            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(parent);
            outbox.markSent(parent, "w", "C1", "1.1");

            assertThat(outbox.claimDue("w", CLAIM, 10)).as("the note does not wait behind the later group")
                    .extracting(OutboxEntry::id).containsExactly(later, note);
            outbox.markSent(note, "w", "C1", "1.2");
            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(secondNote);
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aPostWithAKeyIsWrittenOnceAndTheSecondWriterGetsTheFirstOnesId(Dialect dialect) {
        with(dialect, outbox -> {
            long first = outbox.enqueuePostOnce("alert-group:7", "#alerts", "{\"text\":\"first\"}");
            long again = outbox.enqueuePostOnce("alert-group:7", "#alerts", "{\"text\":\"second\"}");
            long other = outbox.enqueuePostOnce("alert-group:8", "#alerts", "{\"text\":\"other\"}");

            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
            assertThat(outbox.find(first)).hasValueSatisfying(e -> assertThat(e.payload()).contains("first"));
            assertThat(outbox.depth().pending()).isEqualTo(2);
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aNewWorkerFreesTheCallsAnotherWorkerClaimedButKeepsThemUncertain(Dialect dialect) {
        with(dialect, outbox -> {
            long attempted = outbox.enqueuePost("#alerts", null, "{}");
            long claimed = outbox.enqueuePost("#ops", null, "{}");
            outbox.claimDue("dead", CLAIM, 10);
            outbox.markAttempt(attempted, "dead", true);

            assertThat(outbox.claimDue("new", CLAIM, 10)).as("claimed by the dead worker").isEmpty();
            assertThat(outbox.releaseClaimsOfOthers("new")).isEqualTo(2);

            assertThat(outbox.claimDue("new", CLAIM, 10)).extracting(OutboxEntry::id, OutboxEntry::uncertain)
                    .containsExactly(tuple(attempted, true), tuple(claimed, false));
            assertThat(outbox.releaseClaimsOfOthers("new")).as("its own claims stay").isZero();
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aSentPostIsFoundByTheChannelAndTsSlackGaveIt(Dialect dialect) {
        with(dialect, outbox -> {
            long post = outbox.enqueuePost("#ops", null, "{\"text\":\"runbook\"}");
            outbox.claimDue("w", CLAIM, 10);
            outbox.markSent(post, "w", "C0OPS00001", "1700000000.000100");

            assertThat(outbox.sentPost("C0OPS00001", "1700000000.000100")).hasValue(post);
            assertThat(outbox.sentPost("C0OTHER001", "1700000000.000100")).isEmpty();
            assertThat(outbox.sentPost("C0OPS00001", "1700000000.000200")).isEmpty();
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aCallWaitsUntilItsRetryTime(Dialect dialect) {
        with(dialect, outbox -> {
            long id = outbox.enqueuePost("#alerts", null, "{}");
            outbox.claimDue("w", CLAIM, 10);
            outbox.retryLater(id, "w", clock.instant().plusSeconds(5), "HTTP 429", false);

            assertThat(outbox.claimDue("w", CLAIM, 10)).isEmpty();
            clock.advance(Duration.ofSeconds(5));
            assertThat(outbox.claimDue("w", CLAIM, 10)).singleElement()
                    .satisfies(e -> assertThat(e.lastError()).isEqualTo("HTTP 429"));
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aClaimThatRunsOutMakesTheCallDueAgainAndKeepsItUncertain(Dialect dialect) {
        with(dialect, outbox -> {
            long id = outbox.enqueuePost("#alerts", null, "{}");
            outbox.claimDue("dead-worker", CLAIM, 10);
            outbox.markAttempt(id, "dead-worker", true);

            clock.advance(CLAIM.plusSeconds(1));
            List<OutboxEntry> again = outbox.claimDue("new-worker", CLAIM, 10);

            assertThat(again).singleElement().satisfies(e -> {
                assertThat(e.uncertain()).isTrue();
                assertThat(e.attempts()).isEqualTo(1);
            });
            assertThat(outbox.markSent(id, "dead-worker", "C1", "1.1")).as("a stale worker cannot finish it").isFalse();
            assertThat(outbox.markSent(id, "new-worker", "C1", "1.1")).isTrue();
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void replyWaitsForItsParentAndUpdateForItsTarget(Dialect dialect) {
        with(dialect, outbox -> {
            long parent = outbox.enqueuePost("#alerts", null, "{\"text\":\"parent\"}");
            long reply = outbox.enqueueReply(parent, "{\"text\":\"reply\"}");
            outbox.claimDue("w", CLAIM, 10);
            outbox.markAttempt(parent, "w", true);
            long update = outbox.enqueueUpdate(parent, "{\"text\":\"parent v2\"}");

            assertThat(outbox.claimDue("w", CLAIM, 10)).as("parent still in flight").isEmpty();
            outbox.markSent(parent, "w", "C1", "1.1");

            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(reply, update);
            assertThat(outbox.find(reply).orElseThrow().channel()).isEqualTo("#alerts");
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anUpdateOfAnUnsentMessageIsFoldedIntoIt(Dialect dialect) {
        with(dialect, outbox -> {
            long parent = outbox.enqueuePost("#alerts", null, "{\"text\":\"v1\"}");
            long update = outbox.enqueueUpdate(parent, "{\"text\":\"v2\"}");

            assertThat(outbox.find(update).orElseThrow().status()).isEqualTo(OutboxEntry.Status.SUPERSEDED);
            assertThat(outbox.claimDue("w", CLAIM, 10)).singleElement()
                    .satisfies(e -> assertThat(e.payload()).isEqualTo("{\"text\":\"v2\"}"));
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void pendingUpdatesOfOneMessageCoalesceToTheNewest(Dialect dialect) {
        with(dialect, outbox -> {
            long parent = outbox.enqueuePost("#alerts", null, "{\"text\":\"v1\"}");
            outbox.claimDue("w", CLAIM, 10);
            outbox.markSent(parent, "w", "C1", "1.1");
            long u2 = outbox.enqueueUpdate(parent, "{\"text\":\"v2\"}");
            outbox.enqueueUpdate(parent, "{\"text\":\"v3\"}");
            long u4 = outbox.enqueueUpdate(parent, "{\"text\":\"v4\"}");

            assertThat(outbox.claimDue("w", CLAIM, 10)).extracting(OutboxEntry::id).containsExactly(u2);
            OutboxEntry newest = outbox.newestPendingUpdate(parent).orElseThrow();
            assertThat(newest.id()).isEqualTo(u4);
            outbox.markUpdatesSent(parent, newest.id(), "w");

            assertThat(outbox.depth().pending()).isZero();
            assertThat(outbox.find(u2).orElseThrow().status()).isEqualTo(OutboxEntry.Status.SUPERSEDED);
            assertThat(outbox.find(u4).orElseThrow().status()).isEqualTo(OutboxEntry.Status.SENT);
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void concurrentWorkersNeverClaimTheSameCall(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            OutboxStore outbox = new OutboxStore(db, clock);
            for (int i = 0; i < 60; i++) {
                outbox.enqueuePost("#c" + i, null, "{}");
            }
            var claimed = ConcurrentHashMap.<Long>newKeySet();
            var duplicates = new ArrayList<Long>();
            var start = new CountDownLatch(1);
            try (var pool = Executors.newFixedThreadPool(4)) {
                for (int w = 0; w < 4; w++) {
                    String worker = "w" + w;
                    pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < 10; round++) {
                            for (OutboxEntry e : outbox.claimDue(worker, CLAIM, 5)) {
                                if (!claimed.add(e.id())) {
                                    synchronized (duplicates) {
                                        duplicates.add(e.id());
                                    }
                                }
                            }
                        }
                        return null;
                    });
                }
                start.countDown();
            }
            assertThat(duplicates).isEmpty();
            assertThat(claimed).hasSize(60);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void depthCountsWaitingCalls(Dialect dialect) {
        with(dialect, outbox -> {
            outbox.enqueuePost("#a", null, "{}");
            outbox.enqueueEphemeral("#a", "U1", null, "{}", clock.instant().plusSeconds(60));
            assertThat(outbox.depth().pending()).isEqualTo(2);
            assertThat(outbox.depth().oldestCreatedAt()).isEqualTo(clock.millis());
            return null;
        });
    }
}
