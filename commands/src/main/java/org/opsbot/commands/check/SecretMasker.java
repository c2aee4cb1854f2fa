package org.opsbot.commands.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches Slack, the log or the database: the values of
 * environment variables whose names look secret, passwords in JDBC URL parameters, and the
 * password part of URL user info.
 */
public final class SecretMasker {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL).*");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]*@");
    // Short values (a "1" or "true") would mask half of every message.
    private static final int MIN_SECRET_LENGTH = 4;
    private static final String MASK = "***";

    private final List<String> secrets;

    private SecretMasker(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A masker for the secret-looking variables of {@code environment}. */
    public static SecretMasker fromEnvironment(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (value != null && value.length() >= MIN_SECRET_LENGTH && SECRET_NAME.matcher(name).matches()) {
                values.add(value);
            }
        });
        // Longest first, so a secret that contains another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMasker(List.copyOf(values));
    }

    public static SecretMasker of(String... secrets) {
        return new SecretMasker(List.of(secrets));
    }

    /** Also masks {@code more} (e.g. a check's own password). */
    public SecretMasker with(String more) {
        if (more == null || more.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(secrets);
        all.add(more);
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMasker(List.copyOf(all));
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, MASK);
        }
        s = PASSWORD_PARAM.matcher(s).replaceAll("$1" + MASK);
        return USER_INFO.matcher(s).replaceAll("$1" + MASK + "@");
    }
}
