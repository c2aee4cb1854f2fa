package org.opsbot.commands.store;

import org.opsbot.commands.check.SecretMasker;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URLs carry passwords; anything that prints one goes through here first. */
public final class JdbcUrls {
    private static final SecretMasker PATTERNS = SecretMasker.of();
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)[?&;]password=([^&;]*)");
    private static final Pattern USER_INFO = Pattern.compile("//[^/:@]+:([^@/]*)@");

    private JdbcUrls() {
    }

    /** {@code url} with its passwords (user info, {@code password=}) replaced by {@code ***}. */
    public static String masked(String url) {
        return PATTERNS.mask(url);
    }

    /** The password {@code url} carries, if any (so that it can be masked wherever it appears). */
    public static Optional<String> password(String url) {
        if (url == null) {
            return Optional.empty();
        }
        for (Pattern p : new Pattern[] {PASSWORD_PARAM, USER_INFO}) {
            Matcher m = p.matcher(url);
            if (m.find() && !m.group(1).isEmpty()) {
                return Optional.of(URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
