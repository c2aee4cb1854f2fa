package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.FileKind;
import org.opsbot.commands.check.HttpKind;
import org.opsbot.commands.check.LogKind;
import org.opsbot.commands.check.PrometheusKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunbookValidationTest {
    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private List<String> problems(String yaml) throws IOException {
        return problems(yaml, Map.of());
    }

    private List<String> problems(String yaml, Map<String, String> env) throws IOException {
        Path file = write("rb.yaml", yaml);
        return RunbookCatalog.loadFile(file, env, ExecAllowList.of("df")).problems().stream()
                .map(p -> p.toString().replace(file.toString(), "rb.yaml"))
                .toList();
    }

    @Test
    void aCompleteRunbookIsReadIntoItsModel() throws IOException {
        Path file = write("cdc.yaml", """
                name: cdc-morning
                title: CDC
                team: cdc
                description: the morning check
                schedule:
                  - {cron: "0 6 * * *", time-zone: Europe/Berlin, channel: "#cdc-alerts"}
                checks:
                  - name: Source connector running
                    http:
                      url: ${CONNECT:-http://localhost:8083}/connectors/src/status
                      json: /connector/state
                      equals: RUNNING
                    timeout: 5s
                  - name: Lag
                    prometheus: {url: "http://prom:9090", query: "max(lag)", no-data: ok}
                    warn: "> 1000"
                    crit: "> 10000"
                  - name: Disk
                    disk: {path: /var/backups}
                  - name: df
                    exec: {command: df, args: [-h, /], output: "(\\\\d+)%"}
                checklist:
                  - Review the report
                actions:
                  restart:
                    title: Restart
                    params:
                      connector: {enum: [a, b]}
                      count: {type: integer, min: 1, max: 3}
                    http: {method: POST, url: "http://connect:8083/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 2, within: 15m}
                    risk: high
                """);

        RunbookCatalog catalog = RunbookCatalog.loadFile(file, Map.of(), ExecAllowList.of("df"));

        assertThat(catalog.problems()).isEmpty();
        Runbook rb = catalog.find("cdc-morning").orElseThrow();
        assertThat(rb.schedules()).singleElement().satisfies(s -> {
            assertThat(s.cron()).isEqualTo("0 6 * * *");
            assertThat(s.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
            assertThat(s.channel()).contains("#cdc-alerts");
        });
        assertThat(rb.checks()).extracting(c -> c.probe().kind()).containsExactly("http", "prometheus", "disk", "exec");
        assertThat(rb.checks().get(0).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(((HttpKind.Http) rb.checks().get(0).probe()).url()).isEqualTo("http://localhost:8083/connectors/src/status");
        assertThat(rb.checks().get(1).crit().orElseThrow().limit()).isEqualTo(10000);
        assertThat(rb.checklist()).containsExactly("Review the report");
        var restart = rb.action("restart").orElseThrow();
        assertThat(restart.approval().orElseThrow().count()).isEqualTo(2);
        assertThat(restart.params().get(0).check("c")).contains("connector must be one of a, b");
        assertThat(restart.params().get(1).check("4")).contains("count must be between 1 and 3");
    }

    @Test
    void aVariableThatIsNeitherSetNorDefaultedIsNamedWithItsLine() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http:
                      url: ${API_URL}/health
                """)).containsExactly("rb.yaml:6: environment variable API_URL is not set and has no default"
                + " — set it where the bot runs, or give a default: ${NAME:-value}");
    }

    @Test
    void aSetVariableIsExpandedAndAnEmptyOneTakesTheDefault() throws IOException {
        Path file = write("rb.yaml", """
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "${API_URL}/health?x=${EMPTY:-d}&cost=$$5"}
                """);
        Runbook rb = RunbookCatalog.loadFile(file, Map.of("API_URL", "http://api", "EMPTY", ""), ExecAllowList.none())
                .find("x").orElseThrow();

        assertThat(((HttpKind.Http) rb.checks().get(0).probe()).url()).isEqualTo("http://api/health?x=d&cost=$5");
    }

    @Test
    void anUnknownKeyIsReportedWithTheClosestKnownOne() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "http://api/health"}
                    timout: 5s
                """)).containsExactly("rb.yaml:6: unknown key \"timout\" in this check — did you mean \"timeout\"?");
    }

    @Test
    void badCronExpressionsTimeZonesAndThresholdsAreEachReported() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                schedule:
                  - {cron: "0 25 * * *", time-zone: Europe/Berlln}
                checks:
                  - name: api
                    http: {url: "http://api/health"}
                    warn: "over 9000"
                """)).satisfiesExactly(
                p -> assertThat(p).startsWith("rb.yaml:4: unknown time zone \"Europe/Berlln\"").contains("Europe/Berlin"),
                p -> assertThat(p).startsWith("rb.yaml:4: invalid cron expression \"0 25 * * *\""),
                p -> assertThat(p).startsWith("rb.yaml:8: warn threshold \"over 9000\" is not understood"));
    }

    @Test
    void aTimeUnitIsOnlyAcceptedWhereTheValueIsALatency() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "http://api/health"}
                    warn: "> 2s"
                  - name: duration
                    prometheus: {url: "http://prom:9090", query: "max(duration_seconds)"}
                    warn: "> 10s"
                """)).singleElement().asString()
                .startsWith("rb.yaml:9: warn threshold \"> 10s\" has a time unit, but this check's value is not a latency");
    }

    @Test
    void checkNamesAreUniqueWithinARunbook() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "http://api/health"}
                  - name: api
                    tcp: {host: api, port: 80}
                """)).containsExactly("rb.yaml:6: a second check is named \"api\" (the first is on line 4)"
                + " — give every check of a runbook its own name");
    }

    @Test
    void aCheckNeedsExactlyOneKindAndItsRequiredSettings() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: nothing
                    timeout: 5s
                  - name: two
                    http: {url: "http://api/health"}
                    tcp: {host: api, port: 80}
                  - name: port
                    tcp: {host: api, port: 99999}
                """)).containsExactly(
                "rb.yaml:4: check \"nothing\" says nothing to check — add one of http, prometheus, tcp, sql, disk, file, log, exec",
                "rb.yaml:8: a check has one kind, this one has http and tcp — split it into one check per kind",
                "rb.yaml:10: port 99999 is out of range — use a number from 1 to 65535");
    }

    @Test
    void anExecOfAProgramOutsideTheAllowListIsRefused() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: rm
                    exec: {command: rm, args: [-rf, /]}
                """)).singleElement().asString().startsWith("rb.yaml:5: the program rm is not allow-listed");
    }

    @Test
    void actionParametersFillOnlyWholeArgumentsAndThePathOfAFixedHost() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                actions:
                  a:
                    params: {host: {pattern: "[a-z]+"}}
                    http: {url: "http://{{host}}.example.com/x"}
                  b:
                    params: {dir: {pattern: "[a-z]+"}}
                    exec: {command: df, args: ["--path={{dir}}"]}
                  c:
                    params: {name: {enum: [a]}}
                    http: {url: "http://h/{{nmae}}"}
                """)).containsExactly(
                "rb.yaml:6: parameter {{host}} is in the URL's host — parameters may only fill the path or the query of a fixed host",
                "rb.yaml:9: argument \"--path={{dir}}\" mixes a parameter with other text — a parameter must be a whole argument: \"{{dir}}\"",
                "rb.yaml:12: {{nmae}} is not a parameter of this action — did you mean \"name\"?");
    }

    @Test
    void brokenYamlIsReportedAtItsLine() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "http://api/health"
                """)).singleElement().asString().startsWith("rb.yaml:6: not valid YAML");
    }

    @Test
    void anUnquotedThresholdGetsAHintAboutQuoting() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: api
                    http: {url: "http://api/health"}
                    warn: 5
                """)).singleElement().asString().contains("quote it");
    }

    @Test
    void twoFilesWithTheSameRunbookNameAreAProblemAndUnknownNamesGetSuggestions() throws IOException {
        write("a.yaml", "name: cdc-morning\nteam: cdc\nchecklist: [one]\n");
        write("b.yaml", "\nname: cdc-morning\nteam: cdc\nchecklist: [two]\n");
        write("c.yml", "name: analytics-morning\nteam: a\nchecklist: [x]\n");

        RunbookCatalog catalog = RunbookCatalog.load(dir, Map.of(), ExecAllowList.none());

        assertThat(catalog.problems()).singleElement().asString()
                .isEqualTo(dir.resolve("b.yaml") + ":2: runbook name \"cdc-morning\" is already used by "
                        + dir.resolve("a.yaml") + ":1 — give each runbook its own name");
        assertThat(catalog.suggestions("cdc-mornin")).isEmpty();
        assertThat(catalog.suggestions("analytics-mornign")).containsExactly("analytics-morning");
        assertThat(catalog.find("analytics-morning")).isPresent();
    }

    @Test
    void fileLogAndHeldPrometheusChecksAreReadIntoTheirProbes() throws IOException {
        Path file = write("backups.yaml", """
                name: backups
                team: cdc
                checks:
                  - name: Newest backup under 26 h old
                    file: {path: "/var/backups/cdc/*.sql.gz", measure: age}
                    warn: "> 26h"
                    crit: "> 2d"
                  - name: Newest backup over 1 MB
                    file: {path: "/var/backups/cdc/*.sql.gz", measure: size}
                    crit: "< 1MB"
                  - name: Backups kept
                    file: {path: "/var/backups/cdc/*.sql.gz", measure: count}
                    warn: "< 7"
                  - name: Errors in the last 100 lines
                    log: {path: /opt/analytics/logs/application.log, pattern: "(?i)error", window: 100 lines}
                    warn: "> 0"
                  - name: Errors in the last hour
                    log: {path: /var/log/sync.log, pattern: ERROR, window: 1h, time-zone: Europe/Berlin}
                    crit: "> 10"
                  - name: Connector down for 5 minutes
                    prometheus: {url: "http://prom:9090", query: "min(connector_state)", for: 5m}
                    crit: "< 1"
                  - name: Lag high for 10 minutes
                    prometheus: {url: "http://prom:9090", query: "max(lag)", for: 10m, step: 15s}
                    warn: "> 10000"
                """);

        RunbookCatalog catalog = RunbookCatalog.loadFile(file, Map.of(), ExecAllowList.none());

        assertThat(catalog.problems()).isEmpty();
        List<Check> checks = catalog.find("backups").orElseThrow().checks();
        assertThat(checks.get(0).probe()).isEqualTo(new FileKind.File("/var/backups/cdc/*.sql.gz", FileKind.Measure.AGE));
        assertThat(checks.get(0).warn().orElseThrow().limit()).isEqualTo(26 * 3_600_000.0);
        assertThat(checks.get(1).crit().orElseThrow().limit()).isEqualTo(1 << 20);
        assertThat(checks.get(3).probe()).isEqualTo(new LogKind.Log("/opt/analytics/logs/application.log", "(?i)error",
                Optional.of(100), Optional.empty(), ZoneOffset.UTC));
        assertThat(checks.get(4).probe()).isEqualTo(new LogKind.Log("/var/log/sync.log", "ERROR",
                Optional.empty(), Optional.of(Duration.ofHours(1)), ZoneId.of("Europe/Berlin")));
        assertThat(checks.get(5).probe()).isInstanceOfSatisfying(PrometheusKind.Prometheus.class, p -> {
            assertThat(p.holdFor()).contains(Duration.ofMinutes(5));
            assertThat(p.step()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(checks.get(6).probe()).isInstanceOfSatisfying(PrometheusKind.Prometheus.class,
                p -> assertThat(p.step()).isEqualTo(Duration.ofSeconds(15)));
        assertThat(checks.get(6).probe().describe()).isEqualTo("max(lag) for 10 min (a sample every 15 s) at http://prom:9090");
    }

    @Test
    void thresholdUnitsMustFitWhatTheCheckMeasures() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: age without a unit
                    file: {path: "/b/*.gz", measure: age}
                    warn: "> 26"
                  - name: age in megabytes
                    file: {path: "/b/*.gz", measure: age}
                    crit: "> 1MB"
                  - name: size in hours
                    file: {path: "/b/*.gz", measure: size}
                    crit: "< 2h"
                  - name: count in hours
                    file: {path: "/b/*.gz", measure: count}
                    crit: "< 2h"
                  - name: matches in kilobytes
                    log: {path: /l.log, pattern: ERROR, window: 10 lines}
                    crit: "> 1KB"
                """)).satisfiesExactly(
                p -> assertThat(p).startsWith("rb.yaml:6: warn threshold \"> 26\" has no unit, but this check's value is an age")
                        .contains("\"> 26h\""),
                p -> assertThat(p).startsWith("rb.yaml:9: crit threshold \"> 1MB\" has a size unit, but this check's value is an age"),
                p -> assertThat(p).startsWith("rb.yaml:12: crit threshold \"< 2h\" has a time unit, but this check's value is a size")
                        .contains("\"< 1MB\""),
                p -> assertThat(p).startsWith("rb.yaml:15: crit threshold \"< 2h\" has a time unit, but this check's value is not a latency"),
                p -> assertThat(p).startsWith("rb.yaml:18: crit threshold \"> 1KB\" has a size unit, but this check's value is not a size"));
    }

    @Test
    void brokenFileLogAndHeldPrometheusSettingsAreReportedWithTheirLines() throws IOException {
        assertThat(problems("""
                name: x
                team: ops
                checks:
                  - name: newest
                    file: {path: "/b/*.gz", measure: newest}
                  - name: no measure
                    file: {path: "/b/*.gz"}
                  - name: window
                    log: {path: /l.log, pattern: ERROR, window: 5 fortnights}
                  - name: pattern
                    log: {path: /l.log, pattern: "ERROR(", window: 10 lines}
                  - name: zone for lines
                    log: {path: /l.log, pattern: ERROR, window: 10 lines, time-zone: UTC}
                  - name: step without for
                    prometheus: {url: "http://prom:9090", query: "up", step: 10s}
                  - name: too many samples
                    prometheus: {url: "http://prom:9090", query: "up", for: 1d, step: 1s}
                  - name: not a duration
                    prometheus: {url: "http://prom:9090", query: "up", for: five minutes}
                """)).satisfiesExactly(
                p -> assertThat(p).startsWith("rb.yaml:5: measure must be age, size or count, not \"newest\""),
                p -> assertThat(p).startsWith("rb.yaml:7: this file has no measure"),
                p -> assertThat(p).startsWith("rb.yaml:9: window \"5 fortnights\" is neither a number of lines nor a time")
                        .contains("\"200 lines\""),
                p -> assertThat(p).startsWith("rb.yaml:11: pattern is not a valid regular expression"),
                p -> assertThat(p).startsWith("rb.yaml:13: time-zone only applies to a window of time"),
                p -> assertThat(p).startsWith("rb.yaml:15: step only applies with for:"),
                p -> assertThat(p).startsWith("rb.yaml:17: step 1 s makes over 1000 samples of 24 h").endsWith("step: 144m"),
                p -> assertThat(p).startsWith("rb.yaml:19: for \"five minutes\" is not a duration"));
    }
}
