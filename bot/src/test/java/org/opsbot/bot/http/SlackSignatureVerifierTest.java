package org.opsbot.bot.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class SlackSignatureVerifierTest {

    // The worked example of Slack's "Verifying requests from Slack".
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String TIMESTAMP = "1531420618";
    private static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
            + "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static SlackSignatureVerifier verifierAt(long epochSecond) {
        return new SlackSignatureVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void signingSlacksDocumentedExampleGivesSlacksSignature() {
        assertThat(verifierAt(1531420618).sign(TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void slacksDocumentedExampleIsValidWithinFiveMinutes() {
        assertThat(verifierAt(1531420618 + 299).verify(TIMESTAMP, SIGNATURE, BODY))
                .isEqualTo(SlackSignatureVerifier.Outcome.VALID);
    }

    @Test
    void aTimestampOlderThanFiveMinutesIsStale() {
        assertThat(verifierAt(1531420618 + 301).verify(TIMESTAMP, SIGNATURE, BODY))
                .isEqualTo(SlackSignatureVerifier.Outcome.STALE);
    }

    @Test
    void aTimestampFarInTheFutureIsStaleToo() {
        assertThat(verifierAt(1531420618 - 301).verify(TIMESTAMP, SIGNATURE, BODY))
                .isEqualTo(SlackSignatureVerifier.Outcome.STALE);
    }

    @Test
    void oneChangedByteOfTheBodyInvalidatesTheSignature() {
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 1] = 'd';

        assertThat(verifierAt(1531420618).verify(TIMESTAMP, SIGNATURE, tampered))
                .isEqualTo(SlackSignatureVerifier.Outcome.BAD_SIGNATURE);
    }

    @Test
    void aWrongSecretGivesABadSignature() {
        SlackSignatureVerifier other = new SlackSignatureVerifier("another-secret",
                Clock.fixed(Instant.ofEpochSecond(1531420618), ZoneOffset.UTC));

        assertThat(other.verify(TIMESTAMP, SIGNATURE, BODY)).isEqualTo(SlackSignatureVerifier.Outcome.BAD_SIGNATURE);
    }

    @Test
    void missingHeadersAreReportedAsMissing() {
        assertThat(verifierAt(1531420618).verify(null, SIGNATURE, BODY)).isEqualTo(SlackSignatureVerifier.Outcome.MISSING);
        assertThat(verifierAt(1531420618).verify(TIMESTAMP, null, BODY)).isEqualTo(SlackSignatureVerifier.Outcome.MISSING);
    }

    @Test
    void aTimestampThatIsNotANumberIsRejected() {
        assertThat(verifierAt(1531420618).verify("yesterday", SIGNATURE, BODY))
                .isEqualTo(SlackSignatureVerifier.Outcome.BAD_SIGNATURE);
    }
}
