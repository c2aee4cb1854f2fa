package org.opsbot.commands.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds secrets in files that live in Git (opsbot.yaml, runbooks): Slack tokens anywhere, and
 * literal values under keys that name a secret. Problems say where and what kind of secret,
 * never the value, because validate's output ends up in CI logs.
 */
public final class SecretScan {

    private record Kind(Pattern pattern, String what, String variable) {
    }

    private static final List<Kind> TOKENS = List.of(
            new Kind(Pattern.compile("xoxb-[A-Za-z0-9-]{6,}"), "a Slack bot token (xoxb-…)", "SLACK_BOT_TOKEN"),
            new Kind(Pattern.compile("xapp-[A-Za-z0-9-]{6,}"), "a Slack app-level token (xapp-…)", "SLACK_APP_TOKEN"),
            new Kind(Pattern.compile("xox[aposr]-[A-Za-z0-9-]{6,}"), "a Slack token (xox…-…)", null),
            new Kind(Pattern.compile("hooks\\.slack\\.com/(services|workflows)/[A-Za-z0-9]"),
                    "a Slack incoming-webhook URL", null),
            // A database or HTTP URL with its password in it, e.g. server.database.
            new Kind(Pattern.compile("(?i)[?&;]password=[^&;\\s]+|://[^/\\s:@]+:[^/\\s@]+@"),
                    "a URL with a password in it", "OPSBOT_DB"));

    private static final Set<String> SECRET_KEYS = Set.of("token", "tokens", "secret", "secrets", "password",
            "passwd", "pwd", "apikey", "api-key", "private-key", "credentials", "bearer");
    private static final List<String> SECRET_SUFFIXES = List.of("-token", "-tokens", "-secret", "-password",
            "-api-key", "-apikey", "-key-secret");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}");

    private static final String ENVIRONMENT = "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN,"
            + " OPSBOT_WEBHOOK_TOKEN, or <NAME>_FILE naming a file that holds it";

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    private SecretScan(String file) {
        this.file = file;
    }

    public static List<Problem> find(YamlNode root, String file) {
        var scan = new SecretScan(file);
        scan.walk(root, "", false);
        return List.copyOf(scan.problems);
    }

    private void walk(YamlNode node, String path, boolean underSecretKey) {
        switch (node) {
            case YamlMap map -> {
                for (var e : map.entries()) {
                    if (tokenIn(e.key(), e.line(), "a key")) {
                        continue;
                    }
                    var child = path.isEmpty() ? e.key() : path + "." + e.key();
                    walk(e.value(), child, underSecretKey || isSecretKey(e.key()));
                }
            }
            case YamlList list -> {
                for (int i = 0; i < list.items().size(); i++) {
                    walk(list.items().get(i), path + "[" + i + "]", underSecretKey);
                }
            }
            case YamlScalar scalar -> {
                if (scalar.isNull() || scalar.text().isBlank()) {
                    return;
                }
                if (tokenIn(scalar.text(), scalar.line(), path)) {
                    return;
                }
                if (underSecretKey && !ENV_REFERENCE.matcher(scalar.text().strip()).matches()) {
                    problems.add(new Problem(file, scalar.line(), path + " holds a literal secret; " + file
                            + " is kept in Git and must not contain secrets",
                            "remove it and give the secret to opsbot through the environment (" + ENVIRONMENT
                                    + "); rotate it if it was ever committed"));
                }
            }
        }
    }

    private boolean tokenIn(String text, int line, String where) {
        for (var kind : TOKENS) {
            if (kind.pattern().matcher(text).find()) {
                var variable = kind.variable() == null ? ENVIRONMENT : kind.variable() + " (or "
                        + kind.variable() + "_FILE naming a file that holds it)";
                problems.add(new Problem(file, line, (where.isEmpty() ? "the document" : where) + " contains "
                        + kind.what() + "; " + file + " is kept in Git and must not contain secrets",
                        "remove it and set " + variable + " in the environment instead; rotate the token,"
                                + " since anyone with access to the repository may have seen it"));
                return true;
            }
        }
        return false;
    }

    static boolean isSecretKey(String key) {
        var k = key.toLowerCase(Locale.ROOT).replace('_', '-');
        return SECRET_KEYS.contains(k) || k.equals("signing-secret") || SECRET_SUFFIXES.stream().anyMatch(k::endsWith);
    }
}
