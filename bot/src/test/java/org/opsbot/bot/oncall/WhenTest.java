package org.opsbot.bot.oncall;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WhenTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    // Sunday 22 November 2026, 11:30 in Berlin.
    private static final Instant NOW = Instant.parse("2026-11-22T10:30:00Z");

    private static Instant at(String text) {
        return When.parse(text, BERLIN, NOW);
    }

    @Test
    void aClockTimeIsTheNextOneInTheCallersZone() {
        assertThat(at("14:00")).isEqualTo(Instant.parse("2026-11-22T13:00:00Z"));
        assertThat(at("09:00")).as("already past today: tomorrow").isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    }

    @Test
    void wordsDatesAndSpansAreUnderstood() {
        assertThat(at("tomorrow 09:00")).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
        assertThat(at("Sat 03:00")).isEqualTo(Instant.parse("2026-11-28T02:00:00Z"));
        assertThat(at("sunday 09:00")).as("earlier today: a week on").isEqualTo(Instant.parse("2026-11-29T08:00:00Z"));
        assertThat(at("2026-12-24 18:00")).isEqualTo(Instant.parse("2026-12-24T17:00:00Z"));
        assertThat(at("in 2h")).isEqualTo(NOW.plusSeconds(7200));
        assertThat(at("2026-12-01T06:00:00Z")).isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
    }

    @Test
    void somethingElseIsExplainedWithExamples() {
        assertThatThrownBy(() -> at("teatime")).hasMessageContaining("`teatime`").hasMessageContaining("tomorrow 09:00")
                .hasMessageContaining("Europe/Berlin");
        assertThatThrownBy(() -> at("25:00")).hasMessageContaining("`25:00`");
    }
}
