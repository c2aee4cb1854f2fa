package org.opsbot.bot.checks;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RealPrometheus;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.PrometheusKind;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code for:} on a prometheus check against Debian's real Prometheus, whose range queries over
 * expressions of time need no stored data, and over a gauge it scrapes only since it started.
 */
class HeldPrometheusCheckTest {
    private static final CheckRunner RUNNER = new CheckRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(),
            SecretMasker.of(), Clock.systemUTC());
    private static RealPrometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        prometheus = RealPrometheus.start();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static CheckResult run(String query, Duration holdFor, String crit) {
        PrometheusKind.Prometheus probe = new PrometheusKind.Prometheus(prometheus.url, query, Map.of(), Status.ERROR);
        Check check = new Check("condition", holdFor == null ? probe : probe.holdingFor(holdFor)).withCrit(crit);
        return RUNNER.run("held", "Held", List.of(check), "test").results().get(0);
    }

    @Test
    void aConditionThatHeldForTheWholeDurationIsCrit() {
        CheckResult r = run("vector(0)", Duration.ofMinutes(5), "< 1");

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.message()).isEqualTo("0 (5 min: min 0, max 0) (crit < 1)");
    }

    @Test
    void aConditionTrueNowButNotForTheWholeDurationIsNotCritYet() {
        // time() crossed this limit two and a half minutes ago: true now, not at the first samples.
        String crit = "> " + (Instant.now().getEpochSecond() - 150);

        CheckResult held = run("vector(time())", Duration.ofMinutes(5), crit);
        CheckResult instant = run("vector(time())", null, crit);

        assertThat(held.status()).isEqualTo(Status.OK);
        assertThat(held.message()).contains("(5 min: min ");
        assertThat(instant.status()).isEqualTo(Status.CRIT);
    }

    @Test
    void aScrapedSeriesCountsOnlyOnceItHasBeenThereForTheWholeDuration() {
        prometheus.set("opsbot_held_queue_depth", 500);
        Eventually.await("Prometheus scraped the gauge", Duration.ofSeconds(20),
                () -> run("opsbot_held_queue_depth", null, "> 100").status() == Status.CRIT);

        CheckResult fiveMinutes = run("opsbot_held_queue_depth", Duration.ofMinutes(5), "> 100");

        assertThat(fiveMinutes.status()).as(fiveMinutes.message()).isEqualTo(Status.OK);
        assertThat(fiveMinutes.message()).contains("samples missing");
        Eventually.await("the gauge has been over 100 for 3 s", Duration.ofSeconds(20),
                () -> run("opsbot_held_queue_depth", Duration.ofSeconds(3), "> 100").status() == Status.CRIT);
    }
}
