package org.opsbot.commands.audit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class AuditChainTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private void with(Dialect dialect, Consumer<Database> test) {
        try (Database db = TestDatabases.open(dialect)) {
            test.accept(db);
        }
    }

    private static AuditLog threeEntries(Database db, MutableClock clock) {
        AuditLog log = new AuditLog(db, clock);
        for (String who : List.of("U0ALICE001", "U0LEAD0001", "system")) {
            log.append(who, "action.approve", "cdc/restart", Map.of("request", 7));
            clock.advance(Duration.ofSeconds(1));
        }
        return log;
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anUntouchedLogVerifiesAndEndsInItsHeadHash(Dialect dialect) {
        with(dialect, db -> {
            AuditLog log = threeEntries(db, clock);

            AuditChain.Verification v = log.verify();

            assertThat(v.problems()).isEmpty();
            assertThat(v.entries()).isEqualTo(3);
            assertThat(v.headHash()).hasSize(64);
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anEditedEntryIsDetected(Dialect dialect) {
        with(dialect, db -> {
            AuditLog log = threeEntries(db, clock);
            db.write(h -> h.execute("UPDATE audit SET actor = 'U0MALLORY1' WHERE seq = 2"));

            assertThat(log.verify().problems()).singleElement().asString()
                    .contains("(action.approve by U0MALLORY1) was changed after it was written");
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aDeletedEntryIsDetectedInTheMiddleAndAtTheEnd(Dialect dialect) {
        with(dialect, db -> {
            AuditLog log = threeEntries(db, clock);
            db.write(h -> h.execute("DELETE FROM audit WHERE seq = 2"));

            assertThat(log.verify().problems()).anySatisfy(p -> assertThat(p).contains("1 entry(s) before it were deleted"));

            db.write(h -> h.execute("DELETE FROM audit WHERE seq = 3"));
            assertThat(log.verify().problems()).anySatisfy(p -> assertThat(p).contains("the last 2 entry(s) were deleted"));
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void anEntryInsertedBehindTheLogsBackIsDetected(Dialect dialect) {
        with(dialect, db -> {
            AuditLog log = threeEntries(db, clock);
            db.write(h -> h.execute("INSERT INTO audit (at, actor, action, subject, details) "
                    + "VALUES (1, 'U0MALLORY1', 'action.approve', 'cdc/restart', '{}')"));

            assertThat(log.verify().problems()).singleElement().asString().contains("is not in the chain");
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void entriesWrittenBeforeTheChainExistedJoinItOnTheFirstAppend(Dialect dialect) {
        with(dialect, db -> {
            db.write(h -> h.execute("INSERT INTO audit (at, actor, action, subject, details) "
                    + "VALUES (1, 'cli', 'check.run', 'local', '{}')"));
            AuditLog log = new AuditLog(db, clock);
            log.append("U0ALICE001", "action.request", "cdc/restart", Map.of());

            AuditChain.Verification v = log.verify();
            assertThat(v.problems()).isEmpty();
            assertThat(v.entries()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theExportIsOneJsonObjectPerLineOldestFirstWithItsHashes(Dialect dialect) {
        with(dialect, db -> {
            AuditLog log = threeEntries(db, clock);
            StringWriter out = new StringWriter();

            assertThat(log.exportJsonLines(out)).isEqualTo(3);

            List<String> lines = out.toString().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("{\"id\":").contains("\"seq\":1", "\"at\":\"2026-11-22T10:00:00Z\"",
                    "\"actor\":\"U0ALICE001\"", "\"details\":{\"request\":7}", "\"prev_hash\":\"\"", "\"hash\":\"");
        });
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void entriesWrittenBeforeTheChainAreNoTamperingWhileNothingWasAppendedYet(Dialect dialect) {
        with(dialect, db -> {
            db.write(h -> h.execute("INSERT INTO audit (at, actor, action, subject, details) "
                    + "VALUES (1, 'cli', 'check.run', 'local', '{}')"));

            assertThat(new AuditLog(db, clock).verify().problems()).isEmpty();
        });
    }
}
