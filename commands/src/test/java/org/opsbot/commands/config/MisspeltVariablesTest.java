package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Variables that look like one of opsbot's but are not, which the bot would otherwise ignore in silence. */
class MisspeltVariablesTest {

    @Test
    void aVariableAFewLettersOffOneOfOursIsNamedWithTheOneMeant() {
        assertThat(MisspeltVariables.warnings(Map.of("OPSBOT_POR", "8081", "OPSBOT_WEBHOOK_TOKENS", "a,b")))
                .containsExactly(
                        "OPSBOT_POR is set, but opsbot does not read it. Fix: did you mean OPSBOT_PORT? Rename it",
                        "OPSBOT_WEBHOOK_TOKENS is set, but opsbot does not read it. Fix: did you mean"
                                + " OPSBOT_WEBHOOK_TOKEN? Rename it");
    }

    @Test
    void aVariableThatLeavesOutAWordIsNamedTooTheBotTokenFirst() {
        assertThat(MisspeltVariables.warnings(Map.of("SLACK_TOKEN", "xoxb-1-2-abc")))
                .containsExactly("SLACK_TOKEN is set, but opsbot does not read it. Fix: did you mean SLACK_BOT_TOKEN"
                        + " or SLACK_APP_TOKEN? Rename it");
    }

    @Test
    void aVariableInLowerCaseIsNotOneOfOurs() {
        assertThat(MisspeltVariables.warnings(Map.of("slack_signing_secret", "s3cret")))
                .singleElement().asString().contains("did you mean SLACK_SIGNING_SECRET?");
    }

    @Test
    void theValueIsNeverShown() {
        assertThat(MisspeltVariables.warnings(Map.of("SLACK_BOT_TOKN", "xoxb-very-secret")))
                .singleElement().asString().doesNotContain("very-secret");
    }

    @Test
    void oursOtherProgramsScriptsAndKubernetesServiceLinksGetNoWarning() {
        assertThat(MisspeltVariables.warnings(Map.ofEntries(
                Map.entry("SLACK_BOT_TOKEN", "xoxb-1"), Map.entry("SLACK_SIGNING_SECRET_FILE", "/run/secrets/s"),
                Map.entry("OPSBOT_WEBHOOK_TOKEN", "t"), Map.entry("OPSBOT_EXEC_ALLOW", "systemctl"),
                Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/root"), Map.entry("PORT", "8080"),
                Map.entry("SLACK_WEBHOOK_URL", "https://hooks.example.com/x"), Map.entry("JAVA_HOME", "/opt/java"),
                Map.entry("OPSBOT_URL", "http://localhost:8080"), Map.entry("OPSBOT_JAVA_DIRS", "/opt/jdk"),
                Map.entry("OPSBOT_TEST_POSTGRES_URL", "jdbc:postgresql://localhost/t"),
                Map.entry("OPSBOT_DB_PORT", "tcp://10.0.0.7:5432"), Map.entry("OPSBOT_SERVICE_HOST", "10.0.0.8"),
                Map.entry("OPSBOT_SERVICE_PORT_HTTP", "8080"), Map.entry("OPSBOT_PORT_8080_TCP_ADDR", "10.0.0.8"))))
                .isEmpty();
    }

    @Test
    void everyVariableTheBotReadsIsKnownWithTheFileFormsOfItsSecrets() {
        assertThat(Settings.variables()).contains("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_FILE", "SLACK_SIGNING_SECRET_FILE",
                "SLACK_APP_TOKEN_FILE", "OPSBOT_WEBHOOK_TOKEN_FILE", "SLACK_TEAM_ID", "SLACK_API_URL", "OPSBOT_PORT",
                "OPSBOT_DB", "OPSBOT_CONFIG", "OPSBOT_RUNBOOKS", "OPSBOT_TEMPLATES", "OPSBOT_EXEC_ALLOW");
    }
}
