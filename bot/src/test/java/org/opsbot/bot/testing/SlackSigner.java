package org.opsbot.bot.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Signs requests the way Slack does, independently of the bot's own verifier (so tests check
 * the scheme rather than echo the implementation): {@code X-Slack-Request-Timestamp} and
 * {@code X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))}.
 */
public final class SlackSigner {

    public static final String FORM = "application/x-www-form-urlencoded";
    public static final String JSON = "application/json";

    private final String secret;
    private final Clock clock;

    public SlackSigner(String secret) {
        this(secret, Clock.systemUTC());
    }

    public SlackSigner(String secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    public String signature(long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A POST as Slack would send it now. */
    public HttpRequest post(URI uri, String contentType, String body) {
        return post(uri, contentType, body, clock.instant().getEpochSecond());
    }

    /** A POST signed at the given time, e.g. a stale one. */
    public HttpRequest post(URI uri, String contentType, String body, long timestamp) {
        return builder(uri, contentType, body, timestamp).build();
    }

    /** For adding headers such as {@code X-Slack-Retry-Num}. */
    public HttpRequest.Builder builder(URI uri, String contentType, String body, long timestamp) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
}
