package org.opsbot.bot;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.InstalledOpsbot;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ExampleText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code opsbot …} in a terminal, as the README has people type it: bin/opsbot finds a Java 21+
 * by itself and runs the jar, whose manifest enables native access.
 */
class OpsbotCommandTest {
    @TempDir
    static Path installed;
    private static InstalledOpsbot opsbot;

    @TempDir
    Path work;

    @BeforeAll
    static void install() {
        opsbot = InstalledOpsbot.in(installed);
    }

    @Test
    void checkLocalPassesOnAFreshMachineWhoseDefaultJavaIsOlderThan21() {
        Map<String, String> env = new HashMap<>(Map.of("OPSBOT_RUNBOOKS", InstalledOpsbot.ROOT.resolve("runbooks").toString()));
        Optional<Path> older = InstalledOpsbot.olderJava();
        older.ifPresent(jdk -> {
            env.put("JAVA_HOME", jdk.toString());
            env.put("PATH", jdk.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        });

        InstalledOpsbot.Run run = opsbot.run(work, env, "check", "local");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as(run.toString()).startsWith("OK    local — ").contains("2/2 OK");
        assertThat(run.err()).as("no 'restricted method' warnings, no stack trace")
                .doesNotContain("WARNING").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(work.resolve("data/opsbot.db")).as("the database it checked").exists();
    }

    @Test
    void withOnlyAnOlderJavaItSaysWhatItNeedsInsteadOfAStackTrace() {
        Optional<Path> older = InstalledOpsbot.olderJava();
        assumeTrue(older.isPresent(), "no Java older than 21 under /usr/lib/jvm");
        Path jdk = older.get();
        Path tools = InstalledOpsbot.onlyPrograms(work.resolve("tools"), "bash", "dirname", "readlink", "sed", "sort", "head");

        InstalledOpsbot.Run run = opsbot.run(work, Map.of("JAVA_HOME", jdk.toString(),
                "PATH", jdk.resolve("bin") + ":" + tools, "OPSBOT_JAVA_DIRS", jdk.toString()), "validate");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).startsWith("opsbot: needs Java 21 or newer to run, and found none.")
                .contains(jdk + " (Java ").contains("set JAVA_HOME to it")
                .doesNotContain("Exception").doesNotContain("UnsupportedClassVersionError");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void validateReportsABrokenSetupInOnePassWithFileAndLineAndNoFollowUps() throws IOException {
        Files.writeString(work.resolve("opsbot.yaml"), ConfigLoader.exampleText().replace("ack-within: 1h,", "ack-within: 1hr,"));
        Files.createDirectories(work.resolve("runbooks"));
        Files.writeString(work.resolve("runbooks/api.yaml"), """
                name: api
                team: opx
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                    timout: 3s
                """);

        InstalledOpsbot.Run broken = opsbot.run(work, Map.of(), "validate");

        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.out().lines().toList()).as(broken.toString()).containsExactly(
                "opsbot.yaml:39: severities[1].ack-within: '1hr' is not a duration: write a number followed by s, m,"
                        + " h or d, e.g. 30s, 15m, 1h, 2d or 1h30m. Fix: use a duration such as 30s, 15m, 1h or 2d",
                "./runbooks/api.yaml:6: unknown key \"timout\" in this check. Fix: did you mean \"timeout\"?",
                "2 problems found",
                "note: what the runbooks say about opsbot.yaml (their teams, their schedules' channels, their"
                        + " approvers) is checked once it has no problems");

        Files.writeString(work.resolve("opsbot.yaml"), ExampleText.forOtherRunbooks());
        InstalledOpsbot.Run next = opsbot.run(work, Map.of(), "validate");

        assertThat(next.out().lines().toList()).as(next.toString()).containsExactly(
                "./runbooks/api.yaml:2: team 'opx' is not defined under teams: in opsbot.yaml (defined: cdc, extraction,"
                        + " analytics, data-import, data-sync, ops). Fix: did you mean 'ops'? Use one of those or add"
                        + " 'opx' under teams: with its channel",
                "./runbooks/api.yaml:6: unknown key \"timout\" in this check. Fix: did you mean \"timeout\"?",
                "2 problems found");
    }

    @Test
    void validateAcceptsTheExampleAndWarnsOfAVariableCloseToOneOfOurs() throws IOException {
        Files.writeString(work.resolve("opsbot.yaml"), ConfigLoader.exampleText());

        InstalledOpsbot.Run run = opsbot.run(work, Map.of("OPSBOT_RUNBOOKS", InstalledOpsbot.ROOT.resolve("runbooks").toString(),
                "SLACK_TOKEN", "xoxb-1-2-notthetoken"), "validate");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines().toList()).as(run.toString()).startsWith(
                "warning: environment: SLACK_TOKEN is set, but opsbot does not read it. Fix: did you mean SLACK_BOT_TOKEN"
                        + " or SLACK_APP_TOKEN? Rename it",
                "OK: opsbot.yaml is valid (6 teams, 8 routes, 4 severities, 5 schedules, 4 roles)",
                "OK: 7 runbooks in " + InstalledOpsbot.ROOT.resolve("runbooks") + " are valid");
        assertThat(run.out() + run.err()).doesNotContain("notthetoken");
    }
}
