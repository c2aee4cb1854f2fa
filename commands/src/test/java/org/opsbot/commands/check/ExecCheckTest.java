package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.Status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExecCheckTest {
    private static final CheckRunner RUNNER = Checks.runner(ExecAllowList.of("sh", "echo"), SecretMasker.of());

    @TempDir
    Path dir;

    private static Check exec(String command, List<String> args, int exit, String pattern) {
        return new Check("exec", new ExecKind.Exec(command, args, exit, Optional.ofNullable(pattern)));
    }

    @Test
    void aProgramThatExitsAsExpectedIsOkWithItsOutput() {
        CheckResult r = Checks.run(RUNNER, exec("echo", List.of("all good"), 0, "good"));

        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.observed()).contains("all good");
    }

    @Test
    void aNumberInTheOutputIsComparedWithThresholds() {
        CheckResult r = Checks.run(RUNNER, exec("echo", List.of("errors=7"), 0, "errors=(\\d+)").withWarn("> 3").withCrit("> 10"));

        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.value()).contains(7.0);
    }

    @Test
    void anUnexpectedExitCodeIsCritWithTheLastLineOfOutput() {
        CheckResult r = Checks.run(RUNNER, exec("sh", List.of("-c", "echo checking; echo db down; exit 3"), 0, null));

        assertThat(r.status()).isEqualTo(Status.CRIT);
        assertThat(r.message()).isEqualTo("exit code 3, expected 0: db down");
    }

    @Test
    void aProgramOutsideTheAllowListIsNeverStarted() throws Exception {
        Path marker = dir.resolve("ran");
        CheckResult r = Checks.run(RUNNER, exec("touch", List.of(marker.toString()), 0, null));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).startsWith("the program touch is not allow-listed");
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void theChildSeesNoSecretsOfTheBot() {
        CheckResult r = Checks.run(RUNNER, exec("sh", List.of("-c", "env | wc -l"), 0, "(\\d+)").withCrit("> 3"));

        assertThat(r.status()).as("only PATH, LANG and what sh adds itself").isEqualTo(Status.OK);
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("pid");
        String script = "sleep 30 & echo $! > " + pidFile + "; wait";
        long start = System.nanoTime();

        CheckResult r = Checks.run(RUNNER, exec("sh", List.of("-c", script), 0, null).withTimeout(Duration.ofMillis(500)));

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.message()).startsWith("timeout after 500 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        Thread.sleep(200);
        assertThat(running(grandchild)).as("the sleep started by sh was killed too").isFalse();
    }

    /** Alive and not a zombie: a killed orphan may wait a while for init to reap it. */
    private static boolean running(long pid) throws Exception {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("State:"))
                .noneMatch(l -> l.contains("Z") || l.contains("X"));
    }
}
