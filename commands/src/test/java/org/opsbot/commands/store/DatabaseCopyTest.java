package org.opsbot.commands.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.model.StoredAlertGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A bot's SQLite state moved into PostgreSQL: every row, the same ids, and the audit chain intact. */
class DatabaseCopyTest {
    private static final OpsbotConfig CONFIG = ConfigLoader.bundledExample().require();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    private Database sqlite;
    private Database postgresql;

    @BeforeEach
    void bothDatabases() {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "needs OPSBOT_TEST_POSTGRES_URL");
        sqlite = TestDatabases.open(Dialect.SQLITE);
        postgresql = TestDatabases.open(Dialect.POSTGRESQL);
    }

    @AfterEach
    void close() {
        if (sqlite != null) {
            sqlite.close();
            postgresql.close();
        }
    }

    @Test
    void everyRowMovesWithItsIdAndTheAuditChainStillVerifies() throws Exception {
        long group = aBotsDayOnSqlite();
        var outbox = new OutboxStore(sqlite, clock);
        long post = outbox.enqueuePost("C0CDC00001", null, "{\"text\":\"parent\"}");
        long reply = outbox.enqueueReply(post, "{\"text\":\"reply\"}");

        DatabaseCopy.Result result = DatabaseCopy.sqliteToPostgresql(sqlite, postgresql, clock);

        for (String table : result.rows().keySet()) {
            assertThat(count(postgresql, table)).as(table).isEqualTo(count(sqlite, table)).isEqualTo(result.rows().get(table));
        }
        assertThat(result.rows()).doesNotContainKey("lease")
                .containsKeys("alert_group", "alert", "audit", "audit_head", "outbox", "on_call_override");
        assertThat(result.rows().get("alert_group")).isEqualTo(1);
        assertThat(new AuditLog(postgresql, clock).verify().intact()).isTrue();
        assertThat(new AuditLog(postgresql, clock).verify().entries()).isEqualTo(new AuditLog(sqlite, clock).verify().entries());
        Alerts moved = new Alerts(postgresql, CONFIG, clock);
        assertThat(moved.group(group)).hasValueSatisfying(g -> {
            assertThat(g.state()).isEqualTo(StoredAlertGroup.State.ACKNOWLEDGED);
            assertThat(g.lifecycle().ackedBy()).isEqualTo("U0ALICE001");
        });
        assertThat(new OutboxStore(postgresql, clock).find(reply)).hasValueSatisfying(e -> assertThat(e.parentId()).isEqualTo(post));
        // New rows continue after the copied ids: an old message's button never meets a new group.
        long next = moved.receive(AlertSources.webhook("alertmanager").parse(
                sample().replace("CDCReplicationLagHigh", "CDCSinkStopped").getBytes())).changes().getFirst().group().id();
        assertThat(next).isGreaterThan(group);
        new AuditLog(postgresql, clock).append("U0ALICE001", "test.after-copy", "copy", Map.of());
        assertThat(new AuditLog(postgresql, clock).verify().intact()).isTrue();
    }

    @Test
    void aDatabaseThatAlreadyHoldsDataIsNeverCopiedInto() throws Exception {
        aBotsDayOnSqlite();
        DatabaseCopy.sqliteToPostgresql(sqlite, postgresql, clock);
        long auditRows = count(postgresql, "audit");

        assertThatThrownBy(() -> DatabaseCopy.sqliteToPostgresql(sqlite, postgresql, clock))
                .isInstanceOf(StoreException.class).hasMessageContaining("already holds data");
        assertThat(count(postgresql, "audit")).isEqualTo(auditRows);
    }

    @Test
    void aSqliteDatabaseABotStillUsesIsNotCopiedUntilItsLeasesLapse() throws Exception {
        aBotsDayOnSqlite();
        new LeaseStore(sqlite, clock).acquire("outbox", "4242@old-host/bbbbbbbb", Duration.ofSeconds(15));

        assertThatThrownBy(() -> DatabaseCopy.sqliteToPostgresql(sqlite, postgresql, clock))
                .isInstanceOf(StoreException.class).hasMessageContaining("stop it");
        assertThat(count(postgresql, "audit")).isZero();

        clock.advance(Duration.ofSeconds(16));
        assertThat(DatabaseCopy.sqliteToPostgresql(sqlite, postgresql, clock).total()).isPositive();
    }

    @Test
    void theCopyGoesFromSqliteToPostgresqlOnly() {
        assertThatThrownBy(() -> DatabaseCopy.sqliteToPostgresql(postgresql, sqlite, clock))
                .isInstanceOf(StoreException.class).hasMessageContaining("from a SQLite database to a PostgreSQL one");
    }

    @Test
    void referencedTablesComeFirstAndATableMayReferenceItself() {
        var order = DatabaseCopy.parentsFirst(Set.of("alert", "alert_group", "outbox"),
                Map.of("alert", Set.of("alert_group"), "alert_group", Set.of("outbox"),
                        "outbox", Set.of("outbox")));

        assertThat(order).containsExactly("outbox", "alert_group", "alert");
    }

    /** An alert group acknowledged, an override and audit entries, written by the real stores. */
    private long aBotsDayOnSqlite() throws Exception {
        Alerts alerts = new Alerts(sqlite, CONFIG, clock);
        long group = alerts.receive(AlertSources.webhook("alertmanager").parse(sample().getBytes()))
                .changes().getFirst().group().id();
        alerts.acknowledge(group, "U0ALICE001");
        new OverrideStore(sqlite, clock).add("cdc-primary", "U0BOB00001", clock.instant(),
                clock.instant().plus(Duration.ofHours(8)), "U0LEAD0001");
        AuditLog audit = new AuditLog(sqlite, clock);
        audit.append("U0ALICE001", "alert.acknowledged", "alert-group:" + group, Map.of("note", "on it"));
        audit.append("U0LEAD0001", "oncall.override", "cdc-primary", Map.of("user", "U0BOB00001"));
        return group;
    }

    private static String sample() throws Exception {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path sample = p.resolve("examples/alertmanager-sample.json");
            if (Files.isRegularFile(sample)) {
                return Files.readString(sample);
            }
        }
        throw new IllegalStateException("examples/alertmanager-sample.json not found");
    }

    private static long count(Database db, String table) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }
}
