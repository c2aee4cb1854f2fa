package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings a reload request and its answers are kept in, on each database. */
class SettingStoreTest {

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void settingsStartingWithAPrefixAreFoundByNameAndNoOthers(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SettingStore store = new SettingStore(db);
            store.put("config-reload.result.host-a/1", "id1 applied");
            store.put("config-reload.result.host-b/2", "id1 refused");
            store.put("config-reload.request", "id1 opsbot reload");
            store.put("config-reloadXresult.other", "not a match for the literal dot");
            store.put("a_b.c", "underscore");
            store.put("aXb.c", "not a match for the literal underscore");
            store.put("config-reload.result.host-a/1", "id2 applied");

            assertThat(store.startingWith("config-reload.result.")).isEqualTo(Map.of(
                    "config-reload.result.host-a/1", "id2 applied",
                    "config-reload.result.host-b/2", "id1 refused"));
            assertThat(store.startingWith("a_b.")).isEqualTo(Map.of("a_b.c", "underscore"));
        }
    }
}
