package org.opsbot.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.store.CheckRunStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code opsbot check} and the runbook side of {@code opsbot validate}, driven through picocli. */
class CheckCommandLineTest {
    @TempDir
    Path dir;

    private final WireMockServer systems = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final String databaseUrl = TestDatabases.sqliteUrl();
    private final Map<String, String> env = new HashMap<>();
    private Path runbooks;

    @BeforeEach
    void aConfigARunbooksFolderAndTheCheckedSystem() throws Exception {
        systems.start();
        systems.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"UP\"}")));
        systems.stubFor(get(urlEqualTo("/lag")).willReturn(okJson("{\"lag\":2500}")));
        systems.stubFor(get(urlEqualTo("/down")).willReturn(aResponse().withStatus(500)));
        runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("ok.yaml"), """
                name: all-good
                team: cdc
                checks:
                  - name: API health
                    http: {url: "%s/health", json: /status, equals: UP}
                """.formatted(systems.baseUrl()));
        Files.writeString(runbooks.resolve("lag.yaml"), """
                name: lagging
                team: cdc
                checks:
                  - name: API health
                    http: {url: "%1$s/health"}
                  - name: Replication lag
                    http: {url: "%1$s/lag", json: /lag}
                    warn: "> 1000"
                """.formatted(systems.baseUrl()));
        Files.writeString(runbooks.resolve("down.yaml"), """
                name: broken
                team: cdc
                checks:
                  - name: Orders API
                    http: {url: "%s/down"}
                """.formatted(systems.baseUrl()));
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), ExampleText.forOtherRunbooks());
        env.put("OPSBOT_CONFIG", config.toString());
        env.put("OPSBOT_RUNBOOKS", runbooks.toString());
        env.put("OPSBOT_DB", databaseUrl);
    }

    @AfterEach
    void stop() {
        systems.stop();
    }

    private int run(String... args) {
        return new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void exitCodesAreZeroForOkOneForWarnAndTwoForCrit() {
        assertThat(run("check", "all-good")).isZero();
        assertThat(run("check", "lagging")).isEqualTo(1);
        assertThat(run("check", "broken")).isEqualTo(2);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void thePlainReportHasTheVerdictFirstAndOneLinePerCheck() {
        run("check", "lagging");

        var lines = out.toString().lines().toList();
        assertThat(lines.getFirst()).startsWith("WARN  lagging — lagging: 1/2 OK, 1 WARN (");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  OK    API health       HTTP 200 in"))
                .anySatisfy(l -> assertThat(l).startsWith("  WARN  Replication lag  ").contains("2500 (warn > 1000)"));
    }

    @Test
    void jsonIsTheSameReportForScriptsAndTheRunIsStoredWithTheActorCli() throws Exception {
        assertThat(run("check", "lagging", "--json")).isEqualTo(1);

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("status").asText()).isEqualTo("WARN");
        assertThat(json.get("actor").asText()).isEqualTo("cli");
        assertThat(json.get("checks").get(1).get("threshold").asText()).isEqualTo("warn > 1000");
        try (Database db = Database.open(databaseUrl)) {
            assertThat(new CheckRunStore(db).latest("lagging", 5)).singleElement()
                    .satisfies(r -> assertThat(r.actor()).isEqualTo("cli"));
        }
    }

    @Test
    void anUnknownRunbookGetsASuggestionAndExitCodeTwo() {
        int code = run("check", "laging");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("opsbot: no runbook named 'laging' in " + runbooks + ". Did you mean lagging?")
                .contains("Known: all-good, broken, lagging");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void validateChecksEveryRunbookAndThatItsTeamExists() throws Exception {
        assertThat(run("validate")).isZero();
        assertThat(out.toString()).contains("OK: 3 runbooks in " + runbooks + " are valid");

        Files.writeString(runbooks.resolve("typo.yaml"), """
                name: typo
                title: A runbook for a team that is not there
                team: cdx
                checks:
                  - name: API health
                    http: {url: "%s/health"}
                    timout: 5s
                """.formatted(systems.baseUrl()));
        out.getBuffer().setLength(0);

        assertThat(run("validate")).isEqualTo(1);
        assertThat(out.toString()).contains(runbooks.resolve("typo.yaml") + ":7: unknown key \"timout\"")
                .contains("did you mean \"timeout\"");

        Files.writeString(runbooks.resolve("typo.yaml"), """
                name: typo
                title: A runbook for a team that is not there
                team: cdx
                checks:
                  - name: API health
                    http: {url: "%s/health"}
                """.formatted(systems.baseUrl()));
        out.getBuffer().setLength(0);

        assertThat(run("validate")).isEqualTo(1);
        assertThat(out.toString()).contains(runbooks.resolve("typo.yaml") + ":3: team 'cdx' is not defined under teams:"
                + " in opsbot.yaml").contains("Fix: did you mean 'cdc'?");
    }

    @Test
    void serveRefusesToStartOnAnInvalidRunbookWithTheSameMessages() throws Exception {
        Files.writeString(runbooks.resolve("typo.yaml"), "name: typo\nteam: cdx\nchecklist: [one]\n");

        int code = run("serve");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(runbooks.resolve("typo.yaml") + ":2: team 'cdx' is not defined")
                .contains("not starting: 1 problem");
    }
}
