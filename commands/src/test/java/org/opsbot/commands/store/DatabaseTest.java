package org.opsbot.commands.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseTest {

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFailedWriteLeavesNothingBehind(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SettingStore settings = new SettingStore(db);
            assertThatThrownBy(() -> db.write(h -> {
                h.execute("INSERT INTO setting (name, value) VALUES ('half', 'written')");
                throw new IllegalStateException("boom");
            })).isInstanceOf(StoreException.class);
            assertThat(settings.get("half")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void manyConcurrentWritersFromVirtualThreadsAllSucceed(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            SlackEventStore events = new SlackEventStore(db, Clock.systemUTC());
            AtomicInteger first = new AtomicInteger();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String id = "Ev" + (i % 50);
                    all.add(pool.submit(() -> {
                        if (events.claim(id) == SlackEventStore.Delivery.NEW) {
                            first.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            assertThat(first).as("each of 50 events is first exactly once").hasValue(50);
            assertThat(events.forgetOlderThan(Duration.ofSeconds(-5))).isEqualTo(50);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theInstallationIdIsMadeOnceAndKept(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SettingStore settings = new SettingStore(db);
            String id = settings.installationId();
            assertThat(id).hasSize(36);
            assertThat(settings.installationId()).isEqualTo(id);
            settings.put("team-id", "T1");
            settings.put("team-id", "T2");
            assertThat(settings.get("team-id")).contains("T2");
        }
    }

    @Test
    void reopeningASqliteFileKeepsItsData() {
        String url = TestDatabases.sqliteUrl();
        try (Database db = Database.open(url)) {
            new SettingStore(db).put("k", "v");
        }
        try (Database db = Database.open(url)) {
            assertThat(new SettingStore(db).get("k")).contains("v");
            assertThat(db.isUp()).isTrue();
        }
    }

    @Test
    void anUnknownDatabaseUrlIsRefusedWithAnExplanation() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://db/opsbot?password=hunter2"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("jdbc:sqlite:")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void passwordsInJdbcUrlsAreMasked() {
        assertThat(JdbcUrls.masked("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(JdbcUrls.masked("jdbc:postgresql://u:s3cret@h/db")).isEqualTo("jdbc:postgresql://u:***@h/db");
    }
}
