package org.opsbot.commands.escalation;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.store.CalendarTokenStore;
import org.opsbot.commands.store.Database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret tokens in calendar-feed URLs, one subject each (a schedule or a person). Issuing a
 * URL makes a new token and leaves the earlier ones working, so showing someone their URL again
 * does not break a calendar they already subscribed; revoking ends every token of the subject.
 * Only a hash of each token is stored; issuing and revoking are audited.
 */
public final class CalendarTokens {
    /** 32 random bytes in URL-safe base64: what a token looks like, so nothing else is even looked up. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CalendarTokenStore store;
    private final AuditLog audit;

    public CalendarTokens(Database db, AuditLog audit, Clock clock) {
        this.store = new CalendarTokenStore(db, clock);
        this.audit = audit;
    }

    /** Whose calendar a feed shows. */
    public record Subject(Kind kind, String name) {
        public enum Kind { SCHEDULE, USER }

        public static Subject schedule(String name) {
            return new Subject(Kind.SCHEDULE, name);
        }

        public static Subject user(String userId) {
            return new Subject(Kind.USER, userId);
        }

        String stored() {
            return (kind == Kind.SCHEDULE ? "schedule:" : "user:") + name;
        }

        static Optional<Subject> parse(String stored) {
            if (stored.startsWith("schedule:")) {
                return Optional.of(schedule(stored.substring("schedule:".length())));
            }
            if (stored.startsWith("user:")) {
                return Optional.of(user(stored.substring("user:".length())));
            }
            return Optional.empty();
        }
    }

    /** A new token for {@code subject}; the caller puts it in a URL and shows it once. */
    public String issue(Subject subject, String by) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.add(subject.stored(), hash(token), by);
        audit.append(by, "calendar.url", subject.stored(), Map.of());
        return token;
    }

    /** Whose feed {@code token} opens; empty for a token that is unknown, revoked or malformed. */
    public Optional<Subject> subject(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return store.subject(hash(token)).flatMap(Subject::parse);
    }

    /** Ends every URL of {@code subject}; how many there were. */
    public int revoke(Subject subject, String by) {
        int n = store.revokeAll(subject.stored());
        audit.append(by, "calendar.revoke", subject.stored(), Map.of("tokens", Integer.toString(n)));
        return n;
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
