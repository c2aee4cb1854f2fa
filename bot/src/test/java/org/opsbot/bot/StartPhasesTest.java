package org.opsbot.bot;

import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

class StartPhasesTest {

    @Test
    void namesEachPhaseWithTheMillisecondsAndTheCpuItTookInOrder() {
        StartPhases phases = new StartPhases();
        LockSupport.parkNanos(30_000_000);
        phases.done("database");
        long spinUntil = System.nanoTime() + 20_000_000;
        while (System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        phases.done("http");

        assertThat(phases.summary()).matches("database \\d+ ms \\(cpu \\d+\\), http \\d+ ms \\(cpu \\d+\\)");
        int database = Integer.parseInt(phases.summary().replaceAll("database (\\d+) ms.*", "$1"));
        assertThat(database).isGreaterThanOrEqualTo(30);
        // Parked, the thread used next to no CPU; spinning, it used some.
        int databaseCpu = Integer.parseInt(phases.summary().replaceAll("database \\d+ ms \\(cpu (\\d+)\\).*", "$1"));
        assertThat(databaseCpu).isLessThan(database);
        int httpCpu = Integer.parseInt(phases.summary().replaceAll(".*http \\d+ ms \\(cpu (\\d+)\\)", "$1"));
        assertThat(httpCpu).isGreaterThan(0);
        assertThat(phases.totalMillis()).isGreaterThanOrEqualTo(database);
    }
}
