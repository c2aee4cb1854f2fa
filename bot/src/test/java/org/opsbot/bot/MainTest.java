package org.opsbot.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.validation.Validator;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.yaml.Problem;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, driven through picocli as `java -jar opsbot.jar …` drives it. */
class MainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void validate_accepts_a_valid_file_and_says_what_it_holds() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText());

        int code = run(Map.of(), "validate", "--config", file.toString());

        assertThat(code).isZero();
        assertThat(out.toString().lines().findFirst()).hasValue(
                "OK: opsbot.yaml is valid (6 teams, 8 routes, 4 severities, 5 schedules, 4 roles)");
    }

    @Test
    void validate_prints_every_problem_with_file_line_and_fix_and_exits_1() throws IOException {
        var file = write("opsbot.yaml", """
                roles:
                  responders: [U0ALICE001]
                teams:
                  cdc:
                    channel: "#cdc-alerts"
                    responders: responder
                routes:
                  - {team: cdx}
                """);

        int code = run(Map.of(), "validate", "--config", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines().toList()).containsExactly(
                file + ":6: teams.cdc.responders names role 'responder', which is not defined under roles:"
                        + " (defined: responders). Fix: did you mean 'responders'? Use one of those or add"
                        + " 'responder' under roles:",
                file + ":8: routes[0].team names team 'cdx', which is not defined under teams: (defined: cdc)."
                        + " Fix: did you mean 'cdc'? Use one of those or add 'cdx' under teams:",
                "2 problems found");
    }

    /** What permissions: may name is what the bot's commands declare, not a list kept elsewhere. */
    private static final String PERMISSIONS = """
            roles:
              responders: [U0ALICE001]
            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: responders
            routes:
              - {team: cdc}
            permissions:
              run: [responders]
              overide: [responders]
              alerts: [responders]
            """;

    @Test
    void validate_reports_a_permission_key_no_command_declares_with_its_line() throws IOException {
        var file = write("opsbot.yaml", PERMISSIONS);

        int code = run(Map.of(), "validate", "--config", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines().toList()).containsExactly(
                file + ":11: unknown key 'overide' in permissions. Fix: did you mean 'override'? Rename it",
                file + ":12: unknown key 'alerts' in permissions. Fix: remove it; the keys allowed here are"
                        + " audit, check, declare-top-severity, maintenance, override, override.cancel, run",
                "2 problems found");
    }

    @Test
    void serve_refuses_the_same_permission_keys_as_validate() throws IOException {
        var file = write("opsbot.yaml", PERMISSIONS);

        int code = run(Map.of("OPSBOT_CONFIG", file.toString()), "serve");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":11: unknown key 'overide' in permissions")
                .contains(file + ":12: unknown key 'alerts' in permissions").contains("not starting: 2 problems");
    }

    @Test
    void every_permission_key_the_commands_declare_is_accepted() throws IOException {
        var file = write("opsbot.yaml", PERMISSIONS.replaceAll("(?s)permissions:.*", "permissions:\n")
                + String.join("", Bot.permissionKeys().keys().stream().map(k -> "  " + k + ": [responders]\n").toList()));

        int code = run(Map.of(), "validate", "--config", file.toString());

        assertThat(code).as(out.toString()).isZero();
        assertThat(Bot.permissionKeys().keys()).contains("run", "override", "audit", "declare-top-severity", "check");
    }

    @Test
    void validate_reads_OPSBOT_CONFIG_when_no_file_is_given() throws IOException {
        var file = write("ops.yaml", "teams: {}\nslack: {default-channel: alerts}\n");

        int code = run(Map.of("OPSBOT_CONFIG", file.toString()), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(file + ":2: slack.default-channel 'alerts' is not a channel");
    }

    @Test
    void validate_in_a_dry_run_without_a_file_checks_the_bundled_example_and_says_so() {
        int code = run(Map.of("OPSBOT_CONFIG", dir.resolve("none.yaml").toString()), "validate");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("OK: opsbot.example.yaml (bundled example) is valid (")
                .contains("no opsbot.yaml at " + dir.resolve("none.yaml"));
    }

    @Test
    void validate_of_a_missing_explicit_file_fails() {
        int code = run(Map.of(), "validate", "--config", dir.resolve("missing.yaml").toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(dir.resolve("missing.yaml") + ": file not found");
    }

    @Test
    void validate_reports_a_bad_environment_too() {
        int code = run(Map.of("OPSBOT_PORT", "eighty"), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("environment: OPSBOT_PORT 'eighty' is not a port number");
    }

    @Test
    void validate_reports_environment_and_file_problems_in_one_run() throws IOException {
        var file = write("opsbot.yaml", "slack: {default-channel: alerts}\n");

        int code = run(Map.of("OPSBOT_PORT", "eighty", "OPSBOT_CONFIG", file.toString()), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines().toList()).containsExactly(
                "environment: OPSBOT_PORT 'eighty' is not a port number; use a number from 1 to 65535"
                        + " (0 picks a free port), default 8080",
                file + ":1: slack.default-channel 'alerts' is not a channel. Fix: write \"#channel-name\" (quoted,"
                        + " lower case, as in Slack) or the channel id (C…)",
                "2 problems found");
    }

    @Test
    void validate_never_prints_a_secret_found_in_the_file() throws IOException {
        var token = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp";
        var file = write("opsbot.yaml", "slack:\n  token: " + token + "\n");

        int code = run(Map.of(), "validate", "--config", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(file + ":2: slack.token contains a Slack bot token")
                .doesNotContain("AbCdEf");
    }

    @Test
    void validate_reports_a_runbooks_unknown_team_together_with_its_other_problems() throws IOException {
        var file = write("opsbot.yaml", ExampleText.forOtherRunbooks());
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Path runbook = Files.writeString(folder.resolve("api.yaml"), """
                name: api
                team: opx
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                    timout: 3s
                """);

        int code = run(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_RUNBOOKS", folder.toString()), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines().toList()).containsExactly(
                runbook + ":2: team 'opx' is not defined under teams: in opsbot.yaml (defined: cdc, extraction,"
                        + " analytics, data-import, data-sync, ops). Fix: did you mean 'ops'? Use one of those or add"
                        + " 'opx' under teams: with its channel",
                runbook + ":6: unknown key \"timout\" in this check. Fix: did you mean \"timeout\"?",
                "2 problems found");
    }

    @Test
    void validate_reports_the_runbooks_problems_while_opsbot_yaml_has_its_own_and_says_what_waits() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText().replace("ack-within: 1h,", "ack-within: 1hr,"));
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Path runbook = Files.writeString(folder.resolve("api.yaml"), """
                name: api
                team: opx
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                    timout: 3s
                """);

        int code = run(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_RUNBOOKS", folder.toString()), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines().toList()).containsExactly(
                file + ":39: severities[1].ack-within: '1hr' is not a duration: write a number followed by s, m, h"
                        + " or d, e.g. 30s, 15m, 1h, 2d or 1h30m. Fix: use a duration such as 30s, 15m, 1h or 2d",
                runbook + ":6: unknown key \"timout\" in this check. Fix: did you mean \"timeout\"?",
                "2 problems found",
                "note: what the runbooks say about opsbot.yaml (their teams, their schedules' channels, their approvers)"
                        + " is checked once it has no problems");
    }

    @Test
    void validate_warns_of_a_variable_close_to_one_of_ours_and_still_passes() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText());

        int code = run(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_WEBHOOK_TOKENS", "secret-token"), "validate");

        assertThat(code).isZero();
        assertThat(out.toString().lines().findFirst()).hasValue("warning: environment: OPSBOT_WEBHOOK_TOKENS is set,"
                + " but opsbot does not read it. Fix: did you mean OPSBOT_WEBHOOK_TOKEN? Rename it");
        assertThat(out.toString()).contains("OK: opsbot.yaml is valid").doesNotContain("secret-token");
    }

    @Test
    void wrong_usage_exits_2() {
        assertThat(run(Map.of(), "validate", "--konfig", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--konfig'");
        assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
    }

    @Test
    void other_validators_plug_into_validate_and_serve() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText());
        Validator runbooks = (settings, config) -> new Validator.Report(
                List.of(new Problem("runbooks/cdc.yaml", 3, "team 'cdx' is not defined", "use cdc")), "unused");
        var env = Map.of("OPSBOT_CONFIG", file.toString());

        int code = new CommandLine(new Main(env, List.of(runbooks))).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err)).execute("validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("runbooks/cdc.yaml:3: team 'cdx' is not defined. Fix: use cdc");
    }

    @Test
    void serve_refuses_to_start_on_an_invalid_file_with_the_same_messages() throws IOException {
        var file = write("opsbot.yaml", "teams: {cdc: {channel: \"#c\", responders: nobody}}\nroutes: [{team: cdc}]\n");

        int code = run(Map.of("OPSBOT_CONFIG", file.toString()), "serve");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":1: teams.cdc.responders names role 'nobody'")
                .contains("not starting: 1 problem");
    }

    @Test
    void serve_with_a_token_refuses_the_bundled_example() {
        var env = new HashMap<String, String>();
        env.put("OPSBOT_CONFIG", dir.resolve("opsbot.yaml").toString());
        env.put("SLACK_BOT_TOKEN", "xoxb-1-2-secretvalue");
        env.put("SLACK_SIGNING_SECRET", "signing-secretvalue");

        int code = run(env);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("refuses to run with the bundled example")
                .doesNotContain("secretvalue");
    }

    @Test
    void serve_is_the_default_and_starts_with_valid_settings_and_config() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText());

        var served = new java.util.concurrent.atomic.AtomicReference<Settings>();
        int code = new CommandLine(new Main(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_PORT", "0"), List.of(),
                (settings, config, runbooks, source) -> {
                    served.set(settings);
                    return 0;
                })).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute();

        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(served.get().port()).isZero();
        assertThat(served.get().dryRun()).isTrue();
    }

    @Test
    void serve_hands_the_server_the_runbooks_it_validated_instead_of_reading_them_again() throws IOException {
        var file = write("opsbot.yaml", ExampleText.forOtherRunbooks());
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve("api.yaml"), """
                name: api
                team: cdc
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                """);

        var served = new java.util.concurrent.atomic.AtomicReference<org.opsbot.commands.runbook.RunbookCatalog>();
        int code = new CommandLine(new Main(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_PORT", "0",
                "OPSBOT_RUNBOOKS", folder.toString()),
                (settings, config, runbooks, source) -> {
                    served.set(runbooks);
                    return 0;
                })).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("serve");

        assertThat(code).isZero();
        assertThat(served.get().all()).extracting(r -> r.name()).containsExactly("api");
    }

    @Test
    void serve_refuses_a_bad_environment() {
        int code = run(Map.of("SLACK_BOT_TOKEN", "xoxb-1-2-secretvalue"), "serve");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("environment: SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not")
                .doesNotContain("secretvalue");
    }

    @Test
    void validate_reports_a_maintenance_window_whose_then_run_names_no_runbook_of_the_folder() throws IOException {
        var file = write("opsbot.yaml", ConfigLoader.exampleText());
        Path folder = Files.createDirectories(dir.resolve("runbooks-then-run"));
        Files.writeString(folder.resolve("cdc-morning.yaml"), """
                name: cdc-morning
                team: cdc
                checks:
                  - name: API health
                    http: {url: "http://127.0.0.1:9/health"}
                """);

        int code = run(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_RUNBOOKS", folder.toString()), "validate");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("maintenance window 'analytics-weekly' names runbook 'analytics-morning' under"
                + " then-run, but there is no such runbook. Fix: use one of: cdc-morning, or remove then-run")
                .doesNotContain("'cdc-weekly' names runbook");

        // A folder with no runbooks at all (the bundled example in a bare folder) is not held against then-run.
        out.getBuffer().setLength(0);
        Path empty = Files.createDirectories(dir.resolve("runbooks-none"));
        assertThat(run(Map.of("OPSBOT_CONFIG", file.toString(), "OPSBOT_RUNBOOKS", empty.toString()), "validate"))
                .as(out.toString()).isZero();
    }

    private int run(Map<String, String> env, String... args) {
        return new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
