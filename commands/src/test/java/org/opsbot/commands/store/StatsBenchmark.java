package org.opsbot.commands.store;

import org.jdbi.v3.core.statement.PreparedBatch;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.stats.Stats;
import org.opsbot.commands.stats.StatsPeriod;
import org.opsbot.commands.stats.TeamStats;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Issue 17's figure, printed (not asserted): the time {@code /ops stats 30d} takes to compute over
 * a database holding {@code groups} alert groups (default 100,000, spread over a year across four
 * teams) with their acknowledgements and about 1.6 pages each. On SQLite, and on PostgreSQL when
 * {@code OPSBOT_TEST_POSTGRES_URL} (or {@code -Dopsbot.test.postgres.url}) is set.
 *
 * <p>{@code java -cp <test classpath> org.opsbot.commands.store.StatsBenchmark [groups]}
 */
public final class StatsBenchmark {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles: {responders: [U0BENCH001]}
            schedules:
              bench:
                time-zone: Europe/Berlin
                rotation: weekly
                start: 2026-01-05
                hand-off: "Mon 09:00"
                members: [U0BENCH001, U0BENCH002, U0BENCH003]
            teams:
              t0:
                channel: "#bench"
                escalation:
                  tiers:
                    - {name: On-call, after: 0m, notify: ["schedule:bench"]}
                    - {name: Lead, after: 30m, notify: [U0BENCH009]}
              t1: {channel: "#bench"}
              t2: {channel: "#bench"}
              t3: {channel: "#bench"}
            routes: [{team: t0}]
            """, "bench.yaml").require();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String[] SEVERITIES = {"P1", "P2", "P3", "P4"};

    private StatsBenchmark() {
    }

    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        for (Dialect dialect : TestDatabases.dialects()) {
            try (Database db = TestDatabases.open(dialect)) {
                long filled = System.nanoTime();
                int pages = fill(db, groups);
                System.out.printf("stats: %s, %,d alert groups and %,d pages written in %.1f s%n", dialect, groups, pages,
                        (System.nanoTime() - filled) / 1e9);
                Stats stats = new Stats(new StatsStore(db), () -> CONFIG, from -> List.of());
                StatsPeriod period = StatsPeriod.lastDays(30, ZoneOffset.UTC, NOW);
                List<Double> millis = new ArrayList<>();
                TeamStats last = null;
                for (int i = 0; i < 7; i++) {
                    long t = System.nanoTime();
                    last = stats.of(Optional.of("t0"), period);
                    millis.add((System.nanoTime() - t) / 1e6);
                }
                List<Double> warm = millis.subList(2, millis.size()).stream().sorted().toList();
                System.out.printf("stats: %s, /ops stats t0 30d (%,d groups, %,d pages in the period): first %.0f ms,"
                                + " then median %.0f ms, max %.0f ms%n", dialect, last.groupsOpened(), last.pagesSent(),
                        millis.getFirst(), warm.get(warm.size() / 2), warm.getLast());
            }
        }
    }

    /** Groups over the year before {@link #NOW}, a quarter per team; returns the pages written. */
    private static int fill(Database db, int groups) {
        SplittableRandom random = new SplittableRandom(17);
        long yearAgo = NOW.minus(Duration.ofDays(365)).toEpochMilli();
        int[] pages = {0};
        int batch = 5_000;
        for (int start = 0; start < groups; start += batch) {
            int from = start;
            int to = Math.min(groups, start + batch);
            db.write(h -> {
                PreparedBatch g = h.prepareBatch("""
                        INSERT INTO alert_group (id, group_key, source, team, channel, title, severity, group_labels, state,
                                                 acked_by, acked_at, resolved_by, resolved_at, opened_at, updated_at)
                        VALUES (:id, :key, 'ALERTMANAGER', :team, '#bench', :title, :severity, '{}', 'RESOLVED',
                                :ackedBy, :ackedAt, 'U0BENCH001', :resolvedAt, :opened, :opened)""");
                PreparedBatch e = h.prepareBatch("INSERT INTO escalation_event (subject, at, kind, tier, detail) "
                        + "VALUES (:subject, :at, 'ACKNOWLEDGED', NULL, 'acknowledged')");
                PreparedBatch p = h.prepareBatch("""
                        INSERT INTO page (subject, team, severity, tier, tier_name, target, at, outcome, detail)
                        VALUES (:subject, :team, :severity, :tier, :tierName, :target, :at, 'SENT', '')""");
                for (int i = from; i < to; i++) {
                    long id = i + 1L;
                    long opened = yearAgo + random.nextLong(365L * 24 * 3600 * 1000);
                    String team = "t" + (i % 4);
                    String severity = SEVERITIES[random.nextInt(SEVERITIES.length)];
                    boolean acked = random.nextInt(10) < 7;
                    long ackAt = opened + 1_000L * random.nextInt(1, 3_600);
                    String subject = "alert-group:" + id;
                    g.bind("id", id).bind("key", "k" + id).bind("team", team).bind("title", "Alert" + random.nextInt(200))
                            .bind("severity", severity).bind("ackedBy", acked ? "U0BENCH001" : null)
                            .bind("ackedAt", acked ? ackAt : null).bind("resolvedAt", ackAt + 600_000L)
                            .bind("opened", opened).add();
                    if (acked) {
                        e.bind("subject", subject).bind("at", ackAt).add();
                    }
                    int tiers = random.nextInt(10) < 4 ? 2 : 1;
                    for (int tier = 0; tier < tiers; tier++) {
                        p.bind("subject", subject).bind("team", team).bind("severity", severity).bind("tier", tier)
                                .bind("tierName", tier == 0 ? "On-call" : "Lead").bind("target", "U0BENCH00" + (1 + random.nextInt(3)))
                                .bind("at", opened + tier * 1_800_000L).add();
                        pages[0]++;
                    }
                }
                g.execute();
                e.execute();
                p.execute();
                return null;
            });
        }
        return pages[0];
    }
}
