package org.opsbot.bot.stats;

import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.stats.Stats;
import org.opsbot.commands.stats.StatsPeriod;
import org.opsbot.commands.stats.TeamStats;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code opsbot stats [--team T] [--since …] [--until …] [--zone Z] [--json]}: the numbers in a terminal. */
public final class StatsCli {
    private StatsCli() {
    }

    /** Prints the stats; 0, 1 when the database cannot be read, 2 for a wrong team, date or zone. */
    public static int print(Settings settings, OpsbotConfig config, String team, String since, String until, String zone,
                            boolean json, PrintWriter out, PrintWriter err) {
        try {
            ZoneId readIn;
            try {
                readIn = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
            } catch (DateTimeException e) {
                err.println("opsbot: unknown time zone '" + zone + "' (use a name such as Europe/Berlin)");
                return 2;
            }
            if (team != null && !config.teams().containsKey(team)) {
                err.println("opsbot: no team '" + team + "'; teams: " + String.join(", ", config.teams().keySet()));
                return 2;
            }
            StatsPeriod period;
            try {
                period = period(since, until, readIn, Instant.now());
            } catch (IllegalArgumentException | DateTimeParseException e) {
                err.println("opsbot: " + e.getMessage().replace("`", "'")
                        + ". Examples: --since 30d, or --since 2026-11-01 --until 2026-11-30");
                return 2;
            }
            try (Database db = Database.openForTool(settings.databaseUrl())) {
                TeamStats stats = Stats.over(db, () -> config, Clock.systemUTC()).of(Optional.ofNullable(team), period);
                out.print(json ? StatsText.json(stats) + "\n" : StatsText.plain(stats));
                return 0;
            } catch (StoreException e) {
                err.println("opsbot: the database cannot be read: " + e.getMessage());
                return 1;
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code --since 7d} or a date, {@code --until} a date (default today); both days included. */
    static StatsPeriod period(String since, String until, ZoneId zone, Instant now) {
        LocalDate last = until == null ? now.atZone(zone).toLocalDate() : LocalDate.parse(until);
        if (since == null) {
            return new StatsPeriod(last.minusDays(6), last, zone);
        }
        if (since.matches("\\d{1,3}d")) {
            int days = Integer.parseInt(since.substring(0, since.length() - 1));
            if (days < 1 || days > StatsPeriod.MAX_DAYS) {
                throw new IllegalArgumentException("--since " + since + ": give 1 to " + StatsPeriod.MAX_DAYS + " days");
            }
            return new StatsPeriod(last.minusDays(days - 1L), last, zone);
        }
        return new StatsPeriod(LocalDate.parse(since), last, zone);
    }
}
