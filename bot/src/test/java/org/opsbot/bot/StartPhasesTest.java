package org.opsbot.bot;

import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

class StartPhasesTest {

    @Test
    void namesEachPhaseWithTheMillisecondsItTookInOrder() {
        StartPhases phases = new StartPhases();
        LockSupport.parkNanos(30_000_000);
        phases.done("database");
        phases.done("http");

        assertThat(phases.summary()).matches("database \\d+ ms, http \\d+ ms");
        int database = Integer.parseInt(phases.summary().replaceAll("database (\\d+) ms.*", "$1"));
        assertThat(database).isGreaterThanOrEqualTo(30);
        assertThat(phases.totalMillis()).isGreaterThanOrEqualTo(database);
    }
}
