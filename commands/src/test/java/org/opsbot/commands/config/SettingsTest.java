package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    private static final String BOT_TOKEN = "xoxb-1111-2222-abcdefSECRET";
    private static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    @TempDir
    Path dir;

    @Test
    void an_empty_environment_is_a_dry_run_with_the_documented_defaults() {
        var s = Settings.fromEnvironment(Map.of());

        assertThat(s.dryRun()).isTrue();
        assertThat(s.slackBotToken()).isEmpty();
        assertThat(s.slackSigningSecret()).isEmpty();
        assertThat(s.slackAppToken()).isEmpty();
        assertThat(s.slackTeamId()).isEmpty();
        assertThat(s.slackApiUrl()).isEqualTo("https://slack.com/api/");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.databaseUrl()).isEqualTo("jdbc:sqlite:data/opsbot.db");
        assertThat(s.configFile()).isEqualTo(Path.of("./opsbot.yaml"));
        assertThat(s.runbooksDir()).isEqualTo(Path.of("./runbooks"));
        assertThat(s.templatesDir()).isEqualTo(Path.of("./templates"));
        assertThat(s.webhookTokens()).isEmpty();
    }

    @Test
    void reads_every_variable() {
        var s = Settings.fromEnvironment(Map.ofEntries(
                Map.entry("SLACK_BOT_TOKEN", BOT_TOKEN),
                Map.entry("SLACK_SIGNING_SECRET", SIGNING_SECRET),
                Map.entry("SLACK_APP_TOKEN", "xapp-1-A111-222-abc"),
                Map.entry("SLACK_TEAM_ID", "T0123ABCD"),
                Map.entry("SLACK_API_URL", "http://localhost:9999/api"),
                Map.entry("OPSBOT_PORT", "9090"),
                Map.entry("OPSBOT_DB", "jdbc:postgresql://db/opsbot"),
                Map.entry("OPSBOT_CONFIG", "/etc/opsbot/opsbot.yaml"),
                Map.entry("OPSBOT_RUNBOOKS", "/etc/opsbot/runbooks"),
                Map.entry("OPSBOT_TEMPLATES", "/etc/opsbot/templates"),
                Map.entry("OPSBOT_WEBHOOK_TOKEN", " old-token-123 , new-token-456 ,")));

        assertThat(s.dryRun()).isFalse();
        assertThat(s.slackBotToken()).contains(BOT_TOKEN);
        assertThat(s.slackSigningSecret()).contains(SIGNING_SECRET);
        assertThat(s.slackAppToken()).contains("xapp-1-A111-222-abc");
        assertThat(s.slackTeamId()).contains("T0123ABCD");
        assertThat(s.slackApiUrl()).as("normalised to end in /").isEqualTo("http://localhost:9999/api/");
        assertThat(s.port()).isEqualTo(9090);
        assertThat(s.databaseUrl()).isEqualTo("jdbc:postgresql://db/opsbot");
        assertThat(s.configFile()).isEqualTo(Path.of("/etc/opsbot/opsbot.yaml"));
        assertThat(s.runbooksDir()).isEqualTo(Path.of("/etc/opsbot/runbooks"));
        assertThat(s.templatesDir()).isEqualTo(Path.of("/etc/opsbot/templates"));
        assertThat(s.webhookTokens()).containsExactly("old-token-123", "new-token-456");
    }

    @Test
    void heartbeat_tokens_are_their_own_list_from_the_environment_or_a_file() throws IOException {
        var direct = Settings.fromEnvironment(Map.of("OPSBOT_WEBHOOK_TOKEN", "alert-token-1",
                "OPSBOT_HEARTBEAT_TOKEN", "beat-token-1, beat-token-2"));
        var fromFile = Settings.fromEnvironment(Map.of("OPSBOT_HEARTBEAT_TOKEN_FILE",
                write("beats", "beat-token-3\nbeat-token-4\n").toString()));

        assertThat(direct.heartbeatTokens()).containsExactly("beat-token-1", "beat-token-2");
        assertThat(direct.webhookTokens()).containsExactly("alert-token-1");
        assertThat(fromFile.heartbeatTokens()).containsExactly("beat-token-3", "beat-token-4");
        assertThat(direct.toString()).doesNotContain("beat-token").contains("heartbeatTokens=2 set");
        assertThat(Settings.variables()).contains("OPSBOT_HEARTBEAT_TOKEN", "OPSBOT_HEARTBEAT_TOKEN_FILE");
    }

    @Test
    void blank_variables_count_as_unset() {
        var s = Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", " ", "OPSBOT_PORT", ""));

        assertThat(s.dryRun()).isTrue();
        assertThat(s.port()).isEqualTo(8080);
    }

    @Test
    void secrets_may_come_from_files_named_by_NAME_FILE_trimmed() throws IOException {
        var token = write("bot-token", BOT_TOKEN + "\n");
        var secret = write("signing", "  " + SIGNING_SECRET + "\n");
        var webhook = write("webhook", "one-token-111\ntwo-token-222\n");

        var s = Settings.fromEnvironment(Map.of(
                "SLACK_BOT_TOKEN_FILE", token.toString(),
                "SLACK_SIGNING_SECRET_FILE", secret.toString(),
                "OPSBOT_WEBHOOK_TOKEN_FILE", webhook.toString()));

        assertThat(s.slackBotToken()).contains(BOT_TOKEN);
        assertThat(s.slackSigningSecret()).contains(SIGNING_SECRET);
        assertThat(s.webhookTokens()).containsExactly("one-token-111", "two-token-222");
    }

    @Test
    void a_secret_set_both_directly_and_by_file_is_an_error() throws IOException {
        var env = Map.of("SLACK_BOT_TOKEN", BOT_TOKEN, "SLACK_BOT_TOKEN_FILE", write("t", BOT_TOKEN).toString(),
                "SLACK_SIGNING_SECRET", SIGNING_SECRET);

        assertThatThrownBy(() -> Settings.fromEnvironment(env))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("both SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are set")
                .hasMessageNotContaining(BOT_TOKEN);
    }

    @Test
    void an_unreadable_secret_file_names_the_variable_but_not_a_value() {
        var missing = dir.resolve("nope");

        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("SLACK_SIGNING_SECRET_FILE", missing.toString())))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("SLACK_SIGNING_SECRET_FILE names a file that cannot be read: " + missing);
    }

    @Test
    void an_empty_secret_file_is_an_error() throws IOException {
        var empty = write("empty", "\n");

        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("OPSBOT_WEBHOOK_TOKEN_FILE", empty.toString())))
                .hasMessageContaining("OPSBOT_WEBHOOK_TOKEN_FILE names an empty file");
    }

    @Test
    void a_bot_token_without_a_signing_secret_is_an_error() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN)))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("SLACK_SIGNING_SECRET is not")
                .hasMessageNotContaining(BOT_TOKEN);
    }

    @Test
    void socket_mode_needs_no_signing_secret_but_needs_the_bot_token() {
        var socketMode = Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN,
                "SLACK_APP_TOKEN", "xapp-1-A111-222-abc"));

        assertThat(socketMode.socketMode()).isTrue();
        assertThat(socketMode.slackSigningSecret()).isEmpty();
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("SLACK_APP_TOKEN", "xapp-1-A111-222-abc")))
                .hasMessageContaining("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN)))
                .hasMessageContaining("or set SLACK_APP_TOKEN to use Socket Mode");
    }

    @Test
    void tokens_of_the_wrong_kind_are_errors_that_do_not_echo_them() {
        var env = Map.of("SLACK_BOT_TOKEN", "xoxp-user-token-oops", "SLACK_SIGNING_SECRET", SIGNING_SECRET,
                "SLACK_APP_TOKEN", "xoxb-not-an-app-token");

        assertThatThrownBy(() -> Settings.fromEnvironment(env))
                .hasMessageContaining("should start with xoxb-")
                .hasMessageContaining("should start with xapp-")
                .hasMessageNotContaining("oops")
                .hasMessageNotContaining("not-an-app-token");
    }

    @Test
    void a_port_that_is_not_a_number_or_out_of_range_is_a_clear_error() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("OPSBOT_PORT", "http")))
                .hasMessageContaining("OPSBOT_PORT 'http' is not a port number; use a number from 1 to 65535");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("OPSBOT_PORT", "70000")))
                .hasMessageContaining("OPSBOT_PORT '70000' is not a port number");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("OPSBOT_PORT", "-1")))
                .hasMessageContaining("OPSBOT_PORT '-1' is not a port number");
    }

    @Test
    void the_http_server_waits_ten_seconds_for_headers_and_thirty_for_an_idle_connection_unless_told() {
        assertThat(Settings.fromEnvironment(Map.of()).http()).isEqualTo(HttpLimits.DEFAULT);
        assertThat(HttpLimits.DEFAULT.headerTimeout()).hasSeconds(10);
        assertThat(HttpLimits.DEFAULT.idleTimeout()).hasSeconds(30);

        var s = Settings.fromEnvironment(Map.of(
                "OPSBOT_HTTP_HEADER_TIMEOUT", "5s",
                "OPSBOT_HTTP_BODY_TIMEOUT", "1m",
                "OPSBOT_HTTP_IDLE_TIMEOUT", "2m",
                "OPSBOT_HTTP_MAX_CONNECTIONS", "4000"));

        assertThat(s.http()).isEqualTo(new HttpLimits(java.time.Duration.ofSeconds(5), java.time.Duration.ofMinutes(1),
                java.time.Duration.ofMinutes(2), 4000));
    }

    @Test
    void http_limits_that_are_not_durations_or_counts_are_clear_errors() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(
                "OPSBOT_HTTP_HEADER_TIMEOUT", "10",
                "OPSBOT_HTTP_IDLE_TIMEOUT", "0s",
                "OPSBOT_HTTP_MAX_CONNECTIONS", "lots")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "OPSBOT_HTTP_HEADER_TIMEOUT '10' is not a duration of at least a second: write e.g. 10s or 2m;"
                                + " default 10s",
                        "OPSBOT_HTTP_IDLE_TIMEOUT '0s' is not a duration of at least a second: write e.g. 10s or 2m;"
                                + " default 30s",
                        "OPSBOT_HTTP_MAX_CONNECTIONS 'lots' is not a positive number of connections; default 1000"));
    }

    @Test
    void every_problem_is_reported_at_once() {
        var env = Map.of("OPSBOT_PORT", "x", "SLACK_API_URL", "slack.com", "OPSBOT_DB", "sqlite:x.db",
                "SLACK_TEAM_ID", "acme");

        assertThatThrownBy(() -> Settings.fromEnvironment(env))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).hasSize(4));
    }

    @Test
    void a_database_url_is_never_echoed_because_it_may_hold_a_password() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("OPSBOT_DB", "postgres://u:hunter2@db/x")))
                .hasMessageContaining("OPSBOT_DB must be a JDBC URL")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void the_server_section_of_opsbot_yaml_fills_what_the_environment_leaves_unset() {
        var server = new ServerConfig(Optional.of(9000), Optional.of("jdbc:sqlite:/var/lib/opsbot.db"),
                Optional.of(Path.of("/srv/runbooks")), Optional.of(Path.of("/srv/templates")));
        var env = new HashMap<String, String>();
        env.put("OPSBOT_RUNBOOKS", "/env/runbooks");

        var s = Settings.fromEnvironment(env, server);

        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.databaseUrl()).isEqualTo("jdbc:sqlite:/var/lib/opsbot.db");
        assertThat(s.runbooksDir()).as("the environment wins").isEqualTo(Path.of("/env/runbooks"));
        assertThat(s.templatesDir()).isEqualTo(Path.of("/srv/templates"));
    }

    @Test
    void to_string_shows_whether_secrets_are_set_but_never_their_values() {
        var s = Settings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN, "SLACK_SIGNING_SECRET", SIGNING_SECRET,
                "OPSBOT_WEBHOOK_TOKEN", "hook-secret-1", "OPSBOT_DB", "jdbc:postgresql://opsbot:pw123@db/x?password=pw123"));

        assertThat(s.toString())
                .contains("slackBotToken=(set)", "slackAppToken=(not set)", "webhookTokens=1 set")
                .doesNotContain(BOT_TOKEN, SIGNING_SECRET, "hook-secret-1", "pw123");
    }

    @Test
    void the_constructor_without_a_team_id_still_works_for_existing_callers() {
        var s = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Settings.DEFAULT_SLACK_API_URL,
                0, Settings.DEFAULT_DATABASE_URL, Path.of("x"), Path.of("r"), Path.of("t"), List.of());

        assertThat(s.slackTeamId()).isEmpty();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
