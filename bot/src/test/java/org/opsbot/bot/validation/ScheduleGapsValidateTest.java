package org.opsbot.bot.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code opsbot validate} warns about the gaps a schedule leaves, with the schedule's file and line. */
class ScheduleGapsValidateTest {
    @TempDir
    Path dir;

    private String validate(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("opsbot.yaml"), yaml);
        StringWriter out = new StringWriter();
        int code = new CommandLine(new Main(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_RUNBOOKS", Files.createDirectories(dir.resolve("runbooks")).toString())))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter())).execute("validate");
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void aScheduleOfOfficeHoursOnlyIsWarnedAboutWithItsLine() throws IOException {
        String out = validate("""
                schedules:
                  primary: {time-zone: UTC, rotation: weekly, start: 2026-01-05, members: [U0ALICE001]}
                  office:
                    time-zone: Europe/Berlin
                    layers:
                      - rotation: weekly
                        start: 2026-01-05
                        members: [U0DAY00001]
                        restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
                """);

        assertThat(out).containsPattern("warning: .*opsbot\\.yaml:3: schedules\\.office has nobody on call \\d+ times in the next four weeks")
                .contains("a tier that pages it then reaches nobody. Fix: add a layer or widen a restriction")
                .doesNotContain("schedules.primary has nobody")
                .contains("OK: 2 schedule(s); 1 leave(s) gaps");
    }

    @Test
    void schedulesWithoutGapsGetNoWarning() throws IOException {
        String out = validate("""
                schedules:
                  primary: {time-zone: UTC, rotation: weekly, start: 2026-01-05, members: [U0ALICE001]}
                """);

        assertThat(out).doesNotContain("warning:").contains("none leaves a gap in the next four weeks");
    }
}
