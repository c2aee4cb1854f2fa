package org.opsbot.commands.runbook;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean …": the known words closest to a mistyped one. */
public final class Suggestions {
    private Suggestions() {
    }

    /** Up to three of {@code known}, closest first, that are near enough to {@code typed}. */
    public static List<String> closest(String typed, Collection<String> known) {
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

    /** {@code — did you mean "timeout"?}, or a plain hint when nothing is close. */
    static String didYouMean(String typed, Collection<String> known) {
        List<String> close = closest(typed, known);
        if (close.isEmpty()) {
            return "known keys: " + String.join(", ", known);
        }
        return "did you mean " + String.join(" or ", close.stream().map(k -> "\"" + k + "\"").toList()) + "?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
