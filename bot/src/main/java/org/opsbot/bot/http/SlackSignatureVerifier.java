package org.opsbot.bot.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Slack's request signing: {@code X-Slack-Signature} is {@code v0=} and the hex HMAC-SHA256,
 * keyed with the signing secret, of {@code v0:<X-Slack-Request-Timestamp>:<raw body>}.
 * Written here rather than taken from Bolt's {@code SlackSignature.Verifier}, which compares
 * with {@code String.equals} (timing leaks the expected value) and signs a decoded String
 * instead of the bytes received.
 */
final class SlackSignatureVerifier {

    /** Slack's recommendation: older requests may be replays. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    enum Outcome { VALID, MISSING, STALE, BAD_SIGNATURE }

    private final byte[] secret;
    private final Clock clock;

    SlackSignatureVerifier(String secret, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    Outcome verify(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null) {
            return Outcome.MISSING;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Outcome.BAD_SIGNATURE;
        }
        // Both ways: a timestamp far in the future would otherwise stay replayable for longer.
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > MAX_AGE.toSeconds()) {
            return Outcome.STALE;
        }
        byte[] expected = sign(timestamp.strip(), body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Outcome.VALID : Outcome.BAD_SIGNATURE;
    }

    String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
