package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `opsbot validate` checks that every key a pager webhook names is set where opsbot runs. */
class PagerWebhooksValidatorTest {
    private static final String CONFIG = """
            roles:
              responders: [U0ALICE001]
            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: responders
                escalation:
                  tiers:
                    - name: PagerDuty
                      webhook: {format: pagerduty, routing-key: "${PD_ROUTING_KEY}"}
                    - name: Opsgenie
                      after: 10m
                      webhook: {format: opsgenie, api-key: "${OPSGENIE_API_KEY}"}
            routes:
              - {team: cdc}
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aRoutingKeyOrApiKeyVariableThatIsNotSetIsReportedWithFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("opsbot.yaml"), CONFIG);

        int code = run(Map.of("OPSGENIE_API_KEY", "g3n1e-secret"), "validate", "--config", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(file + ":10: teams.cdc.escalation.tiers[0].webhook (pagerduty) names"
                + " environment variable(s) PD_ROUTING_KEY that are not set")
                .doesNotContain("tiers[1]")
                .doesNotContain("g3n1e-secret");
    }

    @Test
    void withEveryKeySetTheWebhooksAreValid() throws IOException {
        Path file = Files.writeString(dir.resolve("opsbot.yaml"), CONFIG);

        int code = run(Map.of("OPSGENIE_API_KEY", "g3n1e-secret", "PD_ROUTING_KEY", "r0ut1ng"), "validate",
                "--config", file.toString());

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("OK: 2 pager webhook(s); every key they name is set");
    }

    private int run(Map<String, String> env, String... args) {
        return new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }
}
