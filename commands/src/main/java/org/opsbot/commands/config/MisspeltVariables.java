package org.opsbot.commands.config;

import org.opsbot.commands.yaml.Suggestions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Environment variables whose names are close to one the bot reads ({@code SLACK_TOKEN},
 * {@code OPSBOT_WEBHOOK_TOKENS}, {@code OPSBOT_POR}). The bot ignores them, so without a word
 * the setting they were meant for silently keeps its default. Warnings, not errors: a variable
 * of another program may look like one of ours.
 */
public final class MisspeltVariables {

    /** Read by the scripts and tests around the bot (bin/try-ops, bin/opsbot, the test suite), not by the bot. */
    private static final Set<String> AROUND = Set.of("OPSBOT_URL", "OPSBOT_JAVA_DIRS", "OPSBOT_TEST_POSTGRES_URL",
            "OPSBOT_TEST_REQUIRE_POSTGRES", "OPSBOT_TEST_PG_PASSWORD");
    /**
     * Kubernetes' service links: a Service named {@code opsbot-db} gives every pod of its
     * namespace {@code OPSBOT_DB_PORT=tcp://…}, {@code OPSBOT_DB_SERVICE_HOST} and the like.
     */
    private static final Pattern SERVICE_LINK_NAME = Pattern.compile(".+_(SERVICE_(HOST|PORT)(_.+)?|PORT_\\d+_(TCP|UDP|SCTP)(_.+)?)");
    private static final Pattern SERVICE_LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://.*");

    private MisspeltVariables() {
    }

    /**
     * One line per variable of {@code env} that is not one of {@link Settings#variables()} but
     * close to one: {@code SLACK_TOKEN is set, but opsbot does not read it. Fix: did you mean …}.
     * Never the value: it may be a secret.
     */
    public static List<String> warnings(Map<String, String> env) {
        List<String> known = List.copyOf(Settings.variables());
        List<String> warnings = new ArrayList<>();
        for (var e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (known.contains(name) || AROUND.contains(name) || serviceLink(name, e.getValue())) {
                continue;
            }
            List<String> meant = meant(name, known);
            if (!meant.isEmpty()) {
                warnings.add(name + " is set, but opsbot does not read it. Fix: did you mean "
                        + String.join(" or ", meant) + "? Rename it");
            }
        }
        return warnings;
    }

    /**
     * The closest of {@code known}: a few letters off, or leaving out words ({@code SLACK_TOKEN});
     * of equally close ones, those the bot reads first (the bot token before the app token).
     */
    private static List<String> meant(String name, List<String> known) {
        String upper = name.toUpperCase(Locale.ROOT);
        boolean ours = upper.startsWith("OPSBOT_") || upper.startsWith("SLACK_");
        int limit = ours ? Math.max(2, upper.length() / 3) : 2;
        List<String> words = Arrays.asList(upper.split("_+"));
        record Candidate(String name, int distance, int order) {
        }
        List<Candidate> close = IntStream.range(0, known.size())
                .mapToObj(i -> new Candidate(known.get(i), Suggestions.distance(upper, known.get(i)), i))
                .filter(c -> c.distance() <= limit
                        || ours && words.size() >= 2 && Arrays.asList(c.name().split("_")).containsAll(words))
                .sorted(Comparator.comparingInt(Candidate::distance).thenComparingInt(Candidate::order))
                .toList();
        if (close.isEmpty()) {
            return List.of();
        }
        int best = close.getFirst().distance();
        return close.stream().filter(c -> c.distance() == best).map(Candidate::name).limit(2).toList();
    }

    private static boolean serviceLink(String name, String value) {
        return SERVICE_LINK_NAME.matcher(name).matches()
                || name.endsWith("_PORT") && value != null && SERVICE_LINK_VALUE.matcher(value).matches();
    }
}
