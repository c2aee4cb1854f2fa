package org.opsbot.bot.bench;

import org.opsbot.bot.testing.AlertStorm;
import org.opsbot.bot.testing.ClosingEdge;
import org.opsbot.commands.store.TestDatabases;

import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Issue 12's storm figures, printed (not asserted; see BENCHMARKS.md). Run by
 * {@code ./mvnw -q verify -Pbench -DskipTests} after the other benchmarks.
 *
 * <ol>
 *   <li><b>Connections closed under the bot</b> (part 8): the assembled bot (in this JVM, SQLite)
 *   gets one Alertmanager webhook per new group, round-robin over team channels, against
 *   {@code RateLimitedSlack} (429 whenever a channel gets two posts within a second) kept alive,
 *   and behind a {@code ClosingEdge} that closes every connection after one answer: silently
 *   (HTTP/1.1, the hard case), with {@code Connection: close}, as HTTP/1.0, and one that keeps
 *   the connection but closes it under the next request. For each: parents posted, seconds from
 *   the first webhook to the last parent, parents a second, and the 429s Slack answered.</li>
 *   <li><b>Within Slack's limits</b> (part 9): a storm in one channel, each group paging one
 *   on-call person (a direct message) and saying so in its thread: seconds until the last alert
 *   and until the last thread note, the 429s Slack answered, and the page DM posts each paged
 *   person got (issue 16: a storm's pages gather into one DM; at most 3).</li>
 * </ol>
 *
 * <p>A discarded kept-alive storm first warms the JVM (class loading, the JIT), so that the first
 * measured storm does not pay for it.
 *
 * <p>Options ({@code -Dbench.storm.args="…"}): {@code --groups N} (50), {@code --channels N}
 * (10, the first part), {@code --one-channel-groups N} (50, the second part; 0 skips it).
 */
public final class SlackStormBenchmark {
    private static final long PATIENCE_MS = 300_000;

    private SlackStormBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        int groups = intArg(args, "--groups", 50);
        int channels = intArg(args, "--channels", 10);
        int oneChannel = intArg(args, "--one-channel-groups", 50);

        System.out.println();
        System.out.println("== Slack storms (issue 12) ==");
        System.out.printf("JDK %s, %d CPUs; the bot in this JVM on SQLite, fake Slack: 429 above one post a second per channel%n",
                System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%d groups, each a new alert group, round-robin over %d channels (after a discarded warm-up storm):%n",
                groups, channels);
        storm(null, Math.min(groups, 20), channels, Optional.empty());
        double keptAlive = storm("kept alive", groups, channels, Optional.empty());
        storm("closes after each answer, silently", groups, channels, Optional.of(ClosingEdge.Style.SILENT), keptAlive);
        storm("closes after each answer, Connection: close", groups, channels, Optional.of(ClosingEdge.Style.CONNECTION_CLOSE),
                keptAlive);
        storm("closes after each answer, HTTP/1.0", groups, channels, Optional.of(ClosingEdge.Style.HTTP_1_0), keptAlive);
        storm("keeps it, closes it under the next request", groups, channels,
                Optional.of(ClosingEdge.Style.CLOSES_UNDER_THE_NEXT), keptAlive);
        if (oneChannel > 0) {
            oneChannel(oneChannel);
        }
    }

    private static double storm(String slack, int groups, int channels, Optional<ClosingEdge.Style> edge) throws Exception {
        return storm(slack, groups, channels, edge, Double.NaN);
    }

    /** @return parents posted a second */
    private static double storm(String slack, int groups, int channels, Optional<ClosingEdge.Style> edge, double keptAlive)
            throws Exception {
        try (AlertStorm storm = new AlertStorm(TestDatabases.sqliteUrl(), channels, false, edge)) {
            long start = System.nanoTime();
            storm.send(0, groups);
            boolean all = await(() -> storm.parentsPerGroup().size() >= groups);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<Integer, Long> parents = storm.parentsPerGroup();
            long twice = parents.values().stream().filter(n -> n > 1).count();
            double rate = parents.size() / seconds;
            if (slack == null) {
                return rate; // warm-up
            }
            String versus = Double.isNaN(keptAlive) ? "" : "  (%.0f %% of kept alive; target ≥ 50 %%: %s)".formatted(
                    100 * rate / keptAlive, rate >= keptAlive / 2 ? "OK" : "MISSED");
            System.out.printf("  %-45s parents %3d/%d%s in %5.1f s, %5.1f parents/s, 429s %2d, connections %s%s%n", slack,
                    parents.size(), groups, twice == 0 ? "" : " (" + twice + " posted twice!)", seconds, rate,
                    storm.slack.rateLimited(), storm.edge().map(e -> String.valueOf(e.connections())).orElse("-"),
                    all ? versus : "  (gave up waiting)");
            return rate;
        }
    }

    private static void oneChannel(int groups) throws Exception {
        try (AlertStorm storm = new AlertStorm(TestDatabases.sqliteUrl(), 1, true, Optional.empty())) {
            System.out.printf("%d groups in one channel, each paging one person and saying so in its thread:%n", groups);
            long start = System.nanoTime();
            storm.send(0, groups);
            boolean alerts = await(() -> storm.parentsPerGroup().size() >= groups);
            double alertSeconds = (System.nanoTime() - start) / 1e9;
            boolean notes = await(() -> storm.slack.pageNotes().size() >= groups && !storm.slack.pagePosts().isEmpty());
            double noteSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  alerts %d/%d in %.1f s%s; thread notes %d/%d in %.1f s%s; 429s %d (target ≤ 2: %s)%n",
                    storm.parentsPerGroup().size(), groups, alertSeconds, alerts ? "" : " (gave up waiting)",
                    storm.slack.pageNotes().size(), groups, noteSeconds,
                    notes ? "" : " (gave up waiting)", storm.slack.rateLimited(), storm.slack.rateLimited() <= 2 ? "OK" : "MISSED");
            Map<String, Long> perPerson = storm.slack.pagePostsPerPerson();
            long most = perPerson.values().stream().mapToLong(Long::longValue).max().orElse(0);
            System.out.printf("  DM posts per paged person (thread replies aside): %s (target ≤ 3: %s)%n",
                    perPerson, most <= 3 ? "OK" : "MISSED");
        }
    }

    private static boolean await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
