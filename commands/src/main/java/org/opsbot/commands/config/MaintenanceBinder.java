package org.opsbot.commands.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.YamlMap;
import org.opsbot.commands.yaml.YamlScalar;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the maintenance parts of opsbot.yaml: the top-level {@code maintenance:} windows and
 * {@code alertmanager-url}, and each team's {@code alertmanager-url} and
 * {@code maintenance-approval}. Problems are reported with their line and a fix, as the rest of
 * the file's are.
 */
final class MaintenanceBinder {
    /** The top-level keys it reads. */
    static final List<String> SECTIONS = List.of("maintenance", "alertmanager-url");
    /** The keys it reads under each team. */
    static final List<String> TEAM_KEYS = List.of("alertmanager-url", "maintenance-approval");

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String EXAMPLE = "{name: cdc-weekly, team: cdc, cron: \"0 2 * * SUN\", duration: 4h,"
            + " time-zone: Europe/Berlin}";

    private final Binder in;
    private final Collection<String> teams;
    private final Collection<String> roles;

    MaintenanceBinder(Binder in, Collection<String> teams, Collection<String> roles) {
        this.in = in;
        this.teams = teams;
        this.roles = roles;
    }

    MaintenanceConfig bind(YamlMap doc) {
        var globalUrl = doc.get("alertmanager-url").isPresent() ? url(doc, "alertmanager-url", "") : Optional.<URI>empty();
        var rules = new LinkedHashMap<String, MaintenanceConfig.TeamRules>();
        doc.get("teams").filter(YamlMap.class::isInstance).map(YamlMap.class::cast).ifPresent(t -> {
            for (var e : t.entries()) {
                if (e.value() instanceof YamlMap team) {
                    var path = "teams." + e.key();
                    var url = url(team, "alertmanager-url", path);
                    var approval = team.get("maintenance-approval")
                            .flatMap(n -> in.map(n, path + ".maintenance-approval"))
                            .flatMap(m -> approval(m, path + ".maintenance-approval"));
                    if (url.isPresent() || approval.isPresent()) {
                        rules.put(e.key(), new MaintenanceConfig.TeamRules(url, approval));
                    }
                }
            }
        });
        var windows = new ArrayList<MaintenanceConfig.Window>();
        doc.get("maintenance").flatMap(n -> in.list(n, "maintenance")).ifPresent(list -> {
            var names = new HashSet<String>();
            for (int i = 0; i < list.items().size(); i++) {
                var path = "maintenance[" + i + "]";
                in.map(list.items().get(i), path).flatMap(m -> window(m, path, globalUrl, rules)).ifPresent(w -> {
                    if (names.add(w.name())) {
                        windows.add(w);
                    } else {
                        in.problem(w.line(), "maintenance window '" + w.name() + "' is defined twice",
                                "give each window its own name: /ops maintenance skip names it");
                    }
                });
            }
        });
        return new MaintenanceConfig(windows, globalUrl, rules);
    }

    private Optional<MaintenanceConfig.Window> window(YamlMap m, String path, Optional<URI> globalUrl,
                                                      Map<String, MaintenanceConfig.TeamRules> rules) {
        in.onlyKeys(m, path, List.of("name", "team", "cron", "duration", "time-zone", "labels", "silence", "then-run"));
        var name = in.scalar(m, "name", path, true).filter(s -> {
            if (NAME.matcher(s.text().strip()).matches()) {
                return true;
            }
            in.problem(s.line(), path + ".name '" + s.text() + "' cannot be typed in /ops maintenance skip",
                    "use lower-case letters, digits, '-' and '_' only, e.g. cdc-weekly");
            return false;
        }).map(s -> s.text().strip());
        var team = in.scalar(m, "team", path, true).filter(s -> {
            var t = s.text().strip();
            if (teams.contains(t)) {
                return true;
            }
            in.problem(s.line(), path + ".team names team '" + t + "', which is not defined under teams:",
                    Suggestions.closest(t, teams).map(c -> "did you mean '" + c + "'?")
                            .orElse("use one of: " + String.join(", ", teams)));
            return false;
        }).map(s -> s.text().strip());
        var cron = in.scalar(m, "cron", path, true).filter(s -> {
            try {
                CRON.parse(s.text().strip()).validate();
                return true;
            } catch (IllegalArgumentException e) {
                in.problem(s.line(), path + ".cron \"" + s.text() + "\" is not a cron expression: " + e.getMessage(),
                        "write five fields, minute hour day month weekday, e.g. \"0 2 * * SUN\" for Sundays at 02:00");
                return false;
            }
        }).map(s -> s.text().strip());
        var duration = in.duration(m, "duration", path, true).filter(d -> {
            if (!d.isNegative() && !d.isZero() && d.compareTo(Duration.ofDays(7)) <= 0) {
                return true;
            }
            in.problem(m.entry("duration").get().line(), path + ".duration must be more than 0 and at most 7d",
                    "write how long the window lasts, e.g. 2h or 4h");
            return false;
        });
        var zone = in.scalar(m, "time-zone", path, true).flatMap(z -> {
            try {
                return Optional.of(ZoneId.of(z.text().strip()));
            } catch (DateTimeException e) {
                in.problem(z.line(), path + ".time-zone '" + z.text() + "' is not a time zone",
                        Suggestions.closest(z.text().strip(), ZoneId.getAvailableZoneIds()).map(s -> "did you mean " + s + "?")
                                .orElse("use an IANA zone name such as Europe/Berlin or UTC"));
                return Optional.empty();
            }
        });
        var labels = new LinkedHashMap<String, List<String>>();
        m.get("labels").flatMap(n -> in.map(n, path + ".labels")).ifPresent(lm -> {
            for (var e : lm.entries()) {
                if (!LABEL.matcher(e.key()).matches()) {
                    in.problem(e.line(), path + ".labels: '" + e.key() + "' is not a label name",
                            "label names are letters, digits and '_', not starting with a digit");
                    continue;
                }
                var values = in.scalars(lm, e.key(), path + ".labels").stream().map(YamlScalar::text).toList();
                if (values.isEmpty()) {
                    in.problem(e.line(), path + ".labels." + e.key() + " has no value",
                            "write the value the alerts carry, or a list of them: [a, b]");
                } else {
                    labels.put(e.key(), values);
                }
            }
        });
        boolean silence = in.scalar(m, "silence", path, false).map(s -> {
            var v = s.text().strip();
            if (!v.equals("true") && !v.equals("false")) {
                in.problem(s.line(), path + ".silence '" + v + "' is not true or false",
                        "write true to silence the window's labels in Alertmanager, or leave it out");
            }
            return v.equals("true");
        }).orElse(false);
        if (silence && labels.isEmpty()) {
            in.problem(m.entry("silence").get().line(), path + " has silence: true but no labels to silence",
                    "add labels: {…} (the silence's matchers, e.g. {team: cdc}), or remove silence: true");
        }
        if (silence && team.isPresent() && globalUrl.isEmpty()
                && Optional.ofNullable(rules.get(team.get())).flatMap(MaintenanceConfig.TeamRules::alertmanagerUrl).isEmpty()) {
            in.problem(m.entry("silence").get().line(), path + " has silence: true but no Alertmanager address is set",
                    "set alertmanager-url: at the top level or under teams." + team.get() + ", e.g. http://alertmanager:9093");
        }
        var thenRun = in.text(m, "then-run", path, false);
        if (name.isPresent() && team.isPresent() && cron.isPresent() && duration.isPresent() && zone.isPresent()) {
            return Optional.of(new MaintenanceConfig.Window(name.get(), team.get(), cron.get(), duration.get(), zone.get(),
                    labels, silence, thenRun, m.line()));
        }
        if (m.entries().isEmpty()) {
            in.problem(m.line(), path + " is empty", "write " + EXAMPLE);
        }
        return Optional.empty();
    }

    private Optional<MaintenanceConfig.Approval> approval(YamlMap m, String path) {
        in.onlyKeys(m, path, List.of("role", "count", "within"));
        var role = in.scalar(m, "role", path, true).filter(s -> {
            if (roles.contains(s.text().strip())) {
                return true;
            }
            in.problem(s.line(), path + ".role names role '" + s.text().strip() + "', which is not defined under roles:",
                    "use one of: " + String.join(", ", roles));
            return false;
        }).map(s -> s.text().strip());
        int count = in.integer(m, "count", path, 1, 10).orElse(1);
        var within = in.duration(m, "within", path, false).orElse(Duration.ofMinutes(30));
        return role.map(r -> new MaintenanceConfig.Approval(r, count, within));
    }

    private Optional<URI> url(YamlMap m, String key, String path) {
        return in.scalar(m, key, path, false).flatMap(s -> {
            try {
                var uri = new URI(s.text().strip());
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException ignored) {
                // reported below
            }
            in.problem(s.line(), Binder.join(path, key) + " '" + s.text() + "' is not an http(s) address",
                    "write Alertmanager's address, e.g. http://alertmanager:9093");
            return Optional.empty();
        });
    }
}
