package org.opsbot.commands.check;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskerTest {

    private final SecretMasker patterns = SecretMasker.of();

    @Test
    void theUserInfoPasswordOfAUrlIsMaskedButTheUserAndHostStay() {
        assertThat(patterns.mask("Could not prepare the database jdbc:postgresql://opsbot:SECRET@db.internal:5432/ops"))
                .isEqualTo("Could not prepare the database jdbc:postgresql://opsbot:***@db.internal:5432/ops");
        assertThat(patterns.mask("fetch https://admin:hunter2-pw@alertmanager:9093/api/v2/silences failed"))
                .isEqualTo("fetch https://admin:***@alertmanager:9093/api/v2/silences failed");
    }

    @Test
    void userColonPasswordAtHostIsMaskedWithoutAScheme() {
        // What pgjdbc reports when it takes "opsbot:SECRET@host" for a host name.
        assertThat(patterns.mask("java.net.UnknownHostException: opsbot:SECRET@127.0.0.1"))
                .isEqualTo("java.net.UnknownHostException: opsbot:***@127.0.0.1");
        assertThat(patterns.mask("(opsbot:p:a:ss@host)")).isEqualTo("(opsbot:***@host)");
    }

    @Test
    void passwordParametersAreMaskedInUrlsQueryStringsAndDriverProperties() {
        assertThat(patterns.mask("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(patterns.mask("jdbc:postgresql://h/db?password=s3cret")).isEqualTo("jdbc:postgresql://h/db?password=***");
        assertThat(patterns.mask("jdbc:sqlserver://h;user=u;Password=s3cret;db=x")).isEqualTo("jdbc:sqlserver://h;user=u;Password=***;db=x");
        assertThat(patterns.mask("properties {password=s3cret, user=opsbot}")).isEqualTo("properties {password=*** user=opsbot}");
    }

    @Test
    void maskingMaskedTextAgainChangesNothing() {
        String once = "Could not open jdbc:postgresql://h/db?password=***: FATAL. Check OPSBOT_DB (jdbc:postgresql://u:***@h/db).";

        assertThat(patterns.mask(once)).isEqualTo(once);
    }

    @Test
    void theValuesOfSecretLookingVariablesAreMaskedWhereverTheyAppear() {
        SecretMasker masker = SecretMasker.fromEnvironment(Map.of(
                "SLACK_BOT_TOKEN", "xoxb-1234-abcd",
                "SLACK_SIGNING_SECRET", "8f742231b10e",
                "SLACK_APP_TOKEN", "xapp-1-A111-222",
                "OPSBOT_WEBHOOK_TOKEN", "webhook-one",
                "PAGER_API_KEY", "pd-routing-key",
                "PGPASSWORD", "pg-pass-word",
                "OPSBOT_PORT", "8080"));

        assertThat(masker.mask("xoxb-1234-abcd 8f742231b10e xapp-1-A111-222 webhook-one pd-routing-key pg-pass-word 8080"))
                .isEqualTo("*** *** *** *** *** *** 8080");
    }

    @Test
    void aFileNamedByNAME_FILEIsNotASecretItsContentIs() {
        SecretMasker masker = SecretMasker.fromEnvironment(Map.of("SLACK_BOT_TOKEN_FILE", "/run/secrets/slack_bot_token"))
                .with(List.of("xoxb-from-the-file"));

        assertThat(masker.mask("read /run/secrets/slack_bot_token: xoxb-from-the-file"))
                .isEqualTo("read /run/secrets/slack_bot_token: ***");
    }

    @Test
    void aSecretThatContainsAnotherIsMaskedWholeAndShortValuesAreLeftAlone() {
        SecretMasker masker = SecretMasker.of("abcd", "abcdefgh", "ab");

        assertThat(masker.mask("abcdefgh abcd ab")).isEqualTo("*** *** ab");
    }

    @Test
    void ordinaryLogTextIsLeftAlone() {
        String line = "2026-12-01T22:10:38.011Z INFO Main - Checked the environment in 2052 ms; mail bob at 10:30 @ desk"
                + " <@U0123|bob> <#C0123|ops> http://localhost:8080/health/ready";

        assertThat(patterns.mask(line)).isEqualTo(line);
    }
}
