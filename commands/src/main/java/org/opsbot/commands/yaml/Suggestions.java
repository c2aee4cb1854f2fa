package org.opsbot.commands.yaml;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean …?" for misspelt keys and names. */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code wrong}, if it is close enough to be a plausible typo
     * (about a third of the word may differ), so that we never suggest something unrelated.
     */
    public static Optional<String> closest(String wrong, Collection<String> candidates) {
        var needle = wrong.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .map(c -> new Scored(c, distance(needle, c.toLowerCase(Locale.ROOT))))
                .filter(s -> s.distance() <= Math.max(2, needle.length() / 3))
                .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::candidate))
                .map(Scored::candidate);
    }

    /**
     * Up to three of {@code known}, closest first, near enough to {@code typed} to be what was
     * meant: a plausible typo, or a prefix or part of a longer name ("cdc" → "cdc-morning").
     */
    public static List<String> closestFew(String typed, Collection<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, t.length() / 3);
        return known.stream()
                .filter(k -> distance(t, k.toLowerCase(Locale.ROOT)) <= limit
                        || k.toLowerCase(Locale.ROOT).startsWith(t) && t.length() >= 3
                        || k.toLowerCase(Locale.ROOT).contains(t) && t.length() >= 4)
                .sorted(Comparator.comparingInt((String k) -> distance(t, k.toLowerCase(Locale.ROOT))).thenComparing(k -> k))
                .limit(3)
                .toList();
    }

    /** {@code did you mean "timeout"?}, or the known words when none is close. */
    public static String didYouMean(String typed, Collection<String> known) {
        List<String> close = closestFew(typed, known);
        if (close.isEmpty()) {
            return "known keys: " + String.join(", ", known);
        }
        return "did you mean " + String.join(" or ", close.stream().map(k -> "\"" + k + "\"").toList()) + "?";
    }

    private record Scored(String candidate, int distance) {
    }

    /** Levenshtein distance, with a swap of neighbours counting as one edit (teh → the). */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
