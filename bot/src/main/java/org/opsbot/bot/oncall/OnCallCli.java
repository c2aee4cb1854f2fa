package org.opsbot.bot.oncall;

import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code opsbot oncall [team] [--at TIME] [--zone ZONE]}: the roster in the terminal. */
public final class OnCallCli {
    private OnCallCli() {
    }

    /** Prints the roster; the exit code is 0, or 2 for a wrong team, time or zone. */
    public static int print(Settings settings, OpsbotConfig config, String team, String at, String zone,
                            PrintWriter out, PrintWriter err) {
        try {
            ZoneId readIn;
            try {
                readIn = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
            } catch (DateTimeException e) {
                err.println("opsbot: unknown time zone '" + zone + "' (use a name such as Europe/Berlin)");
                return 2;
            }
            List<Team> teams = team == null ? List.copyOf(config.teams().values())
                    : Optional.ofNullable(config.teams().get(team)).map(List::of).orElse(List.of());
            if (teams.isEmpty()) {
                err.println(team == null ? "opsbot: no teams are configured"
                        : "opsbot: no team '" + team + "'; teams: " + String.join(", ", config.teams().keySet()));
                return 2;
            }
            Instant now = Instant.now();
            Instant when;
            try {
                when = at == null ? now : When.parse(at, readIn, now);
            } catch (IllegalArgumentException e) {
                err.println("opsbot: " + e.getMessage().replace("`", "'"));
                return 2;
            }
            List<OnCallOverride> overrides = new ArrayList<>();
            try (Database db = Database.open(settings.databaseUrl())) {
                Clock clock = Clock.systemUTC();
                overrides.addAll(new Overrides(db, config, new AuditLog(db, clock), clock).endingAfter(when));
            } catch (StoreException e) {
                err.println("opsbot: overrides left out, the database cannot be read: " + e.getMessage());
            }
            OnCallText text = OnCallText.terminal(readIn);
            out.println(at == null ? "On call now" : "On call at " + text.time(when) + " (a dry run: nobody is paged)");
            for (Team t : teams) {
                out.println();
                out.println(t.name());
                // The terminal knows no Slack user groups; the running bot does.
                var roster = OnCallRoster.of(t, config.schedules(), overrides, GroupDirectory.none(), Optional.empty(), when);
                text.tiers(roster).forEach(line -> out.println("  " + OnCallText.plain(line)));
            }
            return 0;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
