package org.opsbot.commands.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches Slack, the log or the database: the values of
 * secrets the bot was given (environment variables whose names look secret, and whatever else is
 * added with {@link #with}), {@code password=} parameters (JDBC URLs, query strings, driver
 * properties), and the password of {@code user:password@host}, with or without a URL scheme in
 * front (a driver that cannot parse a URL reports {@code user:password@host} as the host).
 * Every masker of the bot is this one: the log's (see the bot's {@code KnownSecrets}), the
 * checks' and the actions'.
 */
public final class SecretMasker {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL).*");
    // NAME_FILE holds the path of a file with the secret, not the secret: its content is added where it is read.
    private static final Pattern FILE_NAME = Pattern.compile("(?i).*_FILE");
    // Up to the next parameter or blank, so a password keeps none of its characters; text that
    // was masked already (a masked URL inside a logged sentence) is left as it is.
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)(?!\\*\\*\\*)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("([^\\s/:@\"'<>()\\[\\]{},;=|]+:)[^\\s/@\"'<>|]+@");
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
            if (SECRET_NAME.matcher(name).matches() && !FILE_NAME.matcher(name).matches()) {
                values.add(value);
            }
        });
        return new SecretMasker(List.of()).with(values);
    }

    /** A masker for these values, plus the patterns every masker applies ({@code of()}: the patterns only). */
    public static SecretMasker of(String... secrets) {
        return new SecretMasker(List.of()).with(List.of(secrets));
    }

    /** Also masks {@code more} (e.g. a check's own password). */
    public SecretMasker with(String more) {
        return with(more == null ? List.of() : List.of(more));
    }

    /** Also masks each of {@code more}; values shorter than four characters are not masked. */
    public SecretMasker with(Collection<String> more) {
        List<String> all = new ArrayList<>(secrets);
        for (String secret : more) {
            if (secret != null && secret.length() >= MIN_SECRET_LENGTH && !all.contains(secret)) {
                all.add(secret);
            }
        }
        // Longest first, so a secret that contains another is masked whole.
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
