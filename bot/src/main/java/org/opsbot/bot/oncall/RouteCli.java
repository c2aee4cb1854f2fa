package org.opsbot.bot.oncall;

import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.RouteTrace;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code opsbot route <label=value …> [--at TIME] [--zone ZONE]}: what an alert with these labels
 * would become (route, team, channel, severity, and who each escalation tier would notify), the
 * way {@code amtool config routes test} answers for Alertmanager. A dry run: nothing is stored or sent.
 */
public final class RouteCli {
    public static final String USAGE = "usage: opsbot route <label=value> … [--at TIME] [--zone ZONE]\n"
            + "  e.g. opsbot route alertname=ServiceDown job=ivoris severity=critical --at 'sat 03:00'";
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private RouteCli() {
    }

    /** Prints the answer; the exit code is 0, or 2 for wrong arguments (with the usage). */
    public static int print(Settings settings, OpsbotConfig config, List<String> args, String at, String zone,
                            PrintWriter out, PrintWriter err) {
        try {
            Map<String, String> labels = new LinkedHashMap<>();
            for (String arg : args == null ? List.<String>of() : args) {
                int eq = arg.indexOf('=');
                if (eq <= 0 || !LABEL.matcher(arg.substring(0, eq)).matches()) {
                    err.println("opsbot: '" + arg + "' is not label=value (a label name is letters, digits and '_')");
                    err.println(USAGE);
                    return 2;
                }
                labels.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            if (labels.isEmpty()) {
                err.println("opsbot: give the alert's labels");
                err.println(USAGE);
                return 2;
            }
            ZoneId readIn;
            try {
                readIn = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
            } catch (DateTimeException e) {
                err.println("opsbot: unknown time zone '" + zone + "' (use a name such as Europe/Berlin)");
                err.println(USAGE);
                return 2;
            }
            Instant now = Instant.now();
            Instant when;
            try {
                when = at == null ? now : When.parse(at, readIn, now);
            } catch (IllegalArgumentException e) {
                err.println("opsbot: " + e.getMessage().replace("`", "'"));
                err.println(USAGE);
                return 2;
            }
            describe(settings, config, labels, at == null, when, readIn, out, err);
            return 0;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void describe(Settings settings, OpsbotConfig config, Map<String, String> labels, boolean isNow,
                                 Instant when, ZoneId zone, PrintWriter out, PrintWriter err) {
        RouteTrace trace = RouteTrace.of(config, labels);
        OnCallText text = OnCallText.terminal(zone);
        out.println("An alert labelled " + labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        out.println("  route     " + trace.route().map(p -> "routes[" + p.index() + "] "
                + (p.route().isCatchAll() ? "(the default route)" : "(" + matchers(p) + ")")).orElse(
                "none matches, and there is no default route: the alert is unrouted and pages nobody"));
        out.println("  team      " + trace.team().map(Team::name).orElse("(none)"));
        out.println("  channel   " + trace.channel());
        out.println("  severity  " + severity(config, trace));
        // A maintenance window that would hold the alert (no pages) is printed here, once windows exist.
        if (trace.team().isEmpty()) {
            return;
        }
        Team team = trace.team().get();
        out.println();
        out.println("Escalation " + (isNow ? "now" : "at " + text.time(when)) + " (a dry run: nobody is paged)");
        List<OnCallRoster.TierOnCall> roster = OnCallRoster.of(team, config.schedules(), overrides(settings, config, when, err),
                GroupDirectory.none(), Optional.of(trace.walkSeverity()), Optional.of(List.of(labels)), when);
        List<String> lines = text.tiers(roster);
        for (int i = 0; i < lines.size(); i++) {
            out.println("  " + OnCallText.plain(lines.get(i)));
            if (i < roster.size()) {
                OnCallRoster.TierOnCall tier = roster.get(i);
                if (tier.notApplicable().isEmpty() && tier.people().isEmpty() && tier.tier().webhook().isEmpty()) {
                    out.println("     ! would reach nobody" + (tier.unresolved().isEmpty() ? ""
                            : " here (" + String.join("; ", tier.unresolved()) + ")")
                            + ": the walk moves on to the next tier at once");
                }
            }
        }
        if (roster.stream().anyMatch(t -> t.tier().targets().stream().anyMatch(n -> n.kind()
                == org.opsbot.commands.config.NotifyTarget.Kind.USER_GROUP))) {
            out.println("  (user groups' members are known to the running bot only; /ops oncall in Slack shows them)");
        }
    }

    private static String matchers(RouteTrace.Placed p) {
        List<String> parts = new ArrayList<>();
        if (!p.route().match().isEmpty()) {
            parts.add("match " + p.route().match().describe());
        }
        p.route().matchRe().forEach((k, v) -> parts.add("match-re " + k + "=~" + v.pattern()));
        return String.join(", ", parts);
    }

    private static String severity(OpsbotConfig config, RouteTrace trace) {
        String team = trace.team().map(Team::name).orElse(null);
        List<Severity> levels = config.severities(team);
        String own = trace.team().filter(t -> !t.severities().isEmpty()).map(t -> "team " + t.name() + "'s levels: ")
                .orElse("levels: ");
        String list = own + levels.stream().map(Severity::name).collect(Collectors.joining(", "));
        if (trace.severityLabel().isEmpty()) {
            return "none (no severity label; tiers limited to severities are passed over) · " + list;
        }
        String label = trace.severityLabel().get();
        if (trace.severity().isEmpty()) {
            return "none: severity=" + label + " maps to no level (add it to the team's severity-map) · " + list;
        }
        Severity s = trace.severity().get();
        String mapped = s.name().equals(label) ? s.name() : "severity=" + label + " → " + s.name();
        return mapped + (s.description().isBlank() ? "" : " (" + s.description() + ")") + ", ack within "
                + org.opsbot.commands.config.Durations.format(s.ackWithin()) + " · " + list;
    }

    private static List<OnCallOverride> overrides(Settings settings, OpsbotConfig config, Instant when, PrintWriter err) {
        try (Database db = Database.open(settings.databaseUrl())) {
            Clock clock = Clock.systemUTC();
            return new Overrides(db, config, new AuditLog(db, clock), clock).endingAfter(when);
        } catch (StoreException e) {
            err.println("opsbot: overrides left out, the database cannot be read: " + e.getMessage());
            return List.of();
        }
    }
}
