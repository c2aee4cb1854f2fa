package org.opsbot.bot.oncall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Main;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OnCallCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int opsbot(String... args) throws IOException {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), ConfigLoader.exampleText());
        Map<String, String> env = Map.of("OPSBOT_CONFIG", config.toString(), "OPSBOT_DB", TestDatabases.sqliteUrl());
        return new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void oncallPrintsEachTierAtTheGivenTimeInTheGivenZone() throws IOException {
        int code = opsbot("oncall", "cdc", "--at", "2026-01-19 10:00", "--zone", "Europe/Berlin");

        assertThat(code).isZero();
        assertThat(out.toString()).contains(
                "On call at Mon 19 Jan 10:00 CET (a dry run: nobody is paged)",
                "cdc\n",
                "  1. On-call engineer · at once → U0ALICE001 (schedule cdc-primary, until Mon 26 Jan 09:00 CET)",
                "  3. Team lead · after 30m → U0LEAD0001",
                "  4. Infrastructure manager · after 1h → members of @infra-managers are not known yet",
                "  5. CTO · after 1h · alerts labelled category=data-loss|security only → U0CTO00001");
        assertThat(out.toString()).doesNotContain("extraction");
    }

    @Test
    void aWrongTeamOrTimeExitsWithTwoAndSaysWhy() throws IOException {
        assertThat(opsbot("oncall", "cdx")).isEqualTo(2);
        assertThat(err.toString()).contains("no team 'cdx'; teams: cdc, extraction");
        assertThat(opsbot("oncall", "--at", "teatime", "--zone", "UTC")).isEqualTo(2);
        assertThat(err.toString()).contains("can't read 'teatime' as a time");
    }
}
