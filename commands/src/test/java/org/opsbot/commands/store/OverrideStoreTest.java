package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OverrideStoreTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void overridesAreKeptAndEndedOnesAreLeftOutOfCurrentAnswers(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            OverrideStore overrides = new OverrideStore(db, clock);
            Instant now = clock.instant();
            OnCallOverride ended = overrides.add("cdc-primary", "U0BOB00001", now.minusSeconds(7200), now.minusSeconds(3600), "U0LEAD0001");
            OnCallOverride current = overrides.add("cdc-primary", "U0CAROL001", now, now.plusSeconds(3600), "U0LEAD0001");

            assertThat(overrides.endingAfter(now)).containsExactly(current);
            assertThat(overrides.endingAfter(now.minusSeconds(5000))).extracting(OnCallOverride::id)
                    .containsExactly(ended.id(), current.id());
        }
    }
}
