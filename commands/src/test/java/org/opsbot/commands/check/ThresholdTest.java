package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThresholdTest {
    @Test
    void timesAreMillisecondsAndSizesBytesCountedIn1024s() {
        assertThat(Threshold.parse("> 2s").orElseThrow().limit()).isEqualTo(2_000);
        assertThat(Threshold.parse("> 500ms").orElseThrow().limit()).isEqualTo(500);
        assertThat(Threshold.parse("> 90m").orElseThrow().limit()).isEqualTo(5_400_000);
        assertThat(Threshold.parse("> 26h").orElseThrow().limit()).isEqualTo(93_600_000);
        assertThat(Threshold.parse("> 2d").orElseThrow().limit()).isEqualTo(172_800_000);
        assertThat(Threshold.parse("< 1MB").orElseThrow().limit()).isEqualTo(1 << 20);
        assertThat(Threshold.parse("< 500 KB").orElseThrow().limit()).isEqualTo(500 * 1024);
        assertThat(Threshold.parse(">= 1.5GiB").orElseThrow().limit()).isEqualTo(1.5 * (1 << 30));
        assertThat(Threshold.parse("< 10gb").orElseThrow().unit()).isEqualTo(Threshold.Unit.SIZE);
        assertThat(Threshold.parse("> 80%").orElseThrow().unit()).isEqualTo(Threshold.Unit.PERCENT);
        assertThat(Threshold.parse("!= 0").orElseThrow().unit()).isEqualTo(Threshold.Unit.NONE);
    }

    @Test
    void unitsThatAreNeitherTimesNorSizesAreNotThresholds() {
        assertThat(Threshold.parse("> 5M")).isEmpty();
        assertThat(Threshold.parse("> 5 years")).isEmpty();
        assertThat(Threshold.parse("> 2H")).isEmpty();
    }

    @Test
    void eachQuantityTakesTheUnitsThatFitIt() {
        assertThat(Quantity.AGE.mismatch(Threshold.parse("> 26h").orElseThrow())).isNull();
        assertThat(Quantity.AGE.mismatch(Threshold.parse("> 26").orElseThrow())).isEqualTo("has no unit, but this check's value is an age");
        assertThat(Quantity.SIZE.mismatch(Threshold.parse("< 1MB").orElseThrow())).isNull();
        assertThat(Quantity.SIZE.mismatch(Threshold.parse("< 1h").orElseThrow())).isEqualTo("has a time unit, but this check's value is a size");
        assertThat(Quantity.LATENCY.mismatch(Threshold.parse("> 1000").orElseThrow())).isNull();
        assertThat(Quantity.NUMBER.mismatch(Threshold.parse("> 1KB").orElseThrow())).isEqualTo("has a size unit, but this check's value is not a size");
    }
}
