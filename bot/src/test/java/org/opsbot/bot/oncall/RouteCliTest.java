package org.opsbot.bot.oncall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Main;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code opsbot route}: what an alert with some labels would become, through the command line. */
class RouteCliTest {
    private static final String CONFIG = """
            severities:
              - {name: P1, ack-within: 5m}
              - {name: P2, ack-within: 1h}
            schedules:
              sync-primary: {time-zone: Europe/Berlin, rotation: weekly, start: 2026-01-05, hand-off: "Mon 09:00",
                             members: [U0ALICE001, U0BOB00001]}
            teams:
              sync:
                channel: "#sync-alerts"
                severities:
                  - {name: S1, description: Data lost, ack-within: 15m}
                  - {name: S2, ack-within: 1h}
                  - {name: S3, ack-within: 4h}
                severity-map: {critical: S1, warning: S3}
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:sync-primary"], severities: [S1]}
                    - {name: Day team, after: 0m, notify: [U0DAY00001], severities: [S3],
                       hours: {days: Mon-Fri, from: "09:00", to: "17:00", time-zone: Europe/Berlin}}
                    - {name: Managers, after: 30m, notify: ["@sync-managers"]}
                    - {name: CTO, after: 60m, notify: [U0CTO00001], match: {category: [data-loss, security]}}
              ops:
                channel: "#ops"
            routes:
              - {match: {job: [sync, replicator]}, team: sync}
              - {team: ops}
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int opsbot(String... args) throws IOException {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), CONFIG);
        Files.createDirectories(dir.resolve("runbooks"));
        Map<String, String> env = Map.of("OPSBOT_CONFIG", config.toString(), "OPSBOT_DB", TestDatabases.sqliteUrl(),
                "OPSBOT_RUNBOOKS", dir.resolve("runbooks").toString());
        return new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void aWarningInBusinessHoursReachesTheDayTeamAndSaysWhichTiersArePassedOver() throws IOException {
        int code = opsbot("route", "alertname=SyncLag", "job=replicator", "severity=warning",
                "--at", "2026-01-21 10:00", "--zone", "Europe/Berlin");

        assertThat(code).as("%s", err).isZero();
        assertThat(out.toString()).contains(
                "An alert labelled alertname=SyncLag job=replicator severity=warning",
                "  route     routes[0] (match job=sync|replicator)",
                "  team      sync",
                "  channel   #sync-alerts",
                "  severity  severity=warning → S3, ack within 4h · team sync's levels: S1, S2, S3",
                "Escalation at Wed 21 Jan 10:00 CET (a dry run: nobody is paged)",
                "  1. On-call · at once · S1 only → U0ALICE001 (schedule sync-primary, until Mon 26 Jan 09:00 CET) — passed over: only for S1",
                "  2. Day team · at once · S3 only → U0DAY00001\n",
                "  4. CTO · after 1h · alerts labelled category=data-loss|security only → U0CTO00001 — passed over: only for alerts labelled category=data-loss|security");
    }

    @Test
    void theSameWarningAtNightPassesTheDayTeamOverAndNotesATierThatWouldReachNobody() throws IOException {
        int code = opsbot("route", "job=sync", "severity=warning", "--at", "2026-01-21 22:00", "--zone", "Europe/Berlin");

        assertThat(code).isZero();
        assertThat(out.toString()).contains(
                "  2. Day team · at once · S3 only → U0DAY00001 — passed over: outside its hours (Mon–Fri 09:00–17:00 Europe/Berlin)",
                "  3. Managers · after 30m → members of @sync-managers are not known yet",
                "     ! would reach nobody here (members of @sync-managers are not known yet): the walk moves on to the next tier at once");
    }

    @Test
    void aDataLossAlertReachesTheLabelMatchedTier() throws IOException {
        assertThat(opsbot("route", "job=sync", "severity=critical", "category=data-loss", "--at", "2026-01-21 10:00",
                "--zone", "Europe/Berlin")).isZero();

        assertThat(out.toString()).contains("  severity  severity=critical → S1 (Data lost), ack within 15m",
                "  4. CTO · after 1h · alerts labelled category=data-loss|security only → U0CTO00001\n");
    }

    @Test
    void anAlertNoRouteMatchesTakesTheDefaultRoute() throws IOException {
        assertThat(opsbot("route", "alertname=Disk", "severity=P1")).isZero();

        assertThat(out.toString()).contains("  route     routes[1] (the default route)", "  team      ops",
                "  channel   #ops", "  severity  P1, ack within 5m · levels: P1, P2",
                "This team has no escalation tiers");
    }

    @Test
    void wrongArgumentsPrintTheUsageWithAnExampleAndExitWithTwo() throws IOException {
        assertThat(opsbot("route", "job")).isEqualTo(2);
        assertThat(err.toString()).contains("'job' is not label=value", "e.g. opsbot route alertname=ServiceDown");
        assertThat(opsbot("route")).isEqualTo(2);
        assertThat(opsbot("route", "job=sync", "--at", "teatime", "--zone", "UTC")).isEqualTo(2);
        assertThat(err.toString()).contains("can't read 'teatime' as a time");
    }
}
