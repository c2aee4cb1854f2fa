package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.alert.AlertTime;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertStoreTest {

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theFirstAndLastTimesAnAlertMayCarryAreStoredAndReadBackExactly(Dialect dialect) {
        long first = AlertTime.EARLIEST.toEpochMilli();
        long last = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
        long latest = AlertTime.LATEST.toEpochMilli();
        try (Database db = TestDatabases.open(dialect)) {
            AlertStore store = new AlertStore(db);
            long now = Instant.parse("2026-11-22T03:00:00Z").toEpochMilli();
            long group = store.write(tx -> {
                StoredAlertGroup g = tx.openGroup(StoredAlertGroup.opening(
                        new StoredAlertGroup.Route("extremes", "ALERTMANAGER", "cdc", "#cdc-alerts", Map.of(), null),
                        "Extremes", new StoredAlertGroup.Lifecycle(StoredAlertGroup.State.FIRING, null, null, null, null, false),
                        now)).group();
                tx.insert(List.of(
                        new StoredAlert(g.id(), "epoch", "FIRING", first, null, Map.of("alertname", "Extremes"),
                                Map.of(), Map.of(), null, now, now),
                        new StoredAlert(g.id(), "year-9999", "RESOLVED", last, latest, Map.of("alertname", "Extremes"),
                                Map.of(), Map.of(), null, now, now)));
                return g.id();
            });

            assertThat(store.alerts(group)).extracting(StoredAlert::fingerprint, StoredAlert::startsAt, StoredAlert::endsAt)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("epoch", 0L, null),
                            org.assertj.core.groups.Tuple.tuple("year-9999", last, latest));
            assertThat(Instant.ofEpochMilli(store.alerts(group).stream()
                    .filter(a -> a.fingerprint().equals("year-9999")).findFirst().orElseThrow().startsAt()))
                    .isEqualTo("9999-12-31T23:59:59Z");
        }
    }
}
