package org.opsbot.commands.config;

import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.yaml.Problem;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.commands.yaml.YamlMap;
import org.opsbot.commands.yaml.YamlNode;
import org.opsbot.commands.yaml.YamlScalar;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Turns the YAML tree of opsbot.yaml into an {@link OpsbotConfig}, checking types, values and
 * every cross-reference. Sections are read in dependency order (roles and severities before the
 * teams that name them), whatever order the file has.
 */
final class OpsbotConfigBinder {

    static final List<String> SECTIONS = Stream.concat(
            Stream.of("slack", "roles", "severities", "schedules", "teams", "routes", "permissions", "server",
                    HeartbeatsBinder.SECTION),
            MaintenanceBinder.SECTIONS.stream()).toList();

    static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,}");
    static final Pattern USER_GROUP = Pattern.compile("@[a-z0-9][a-z0-9._-]*|S[A-Z0-9]{2,}");
    static final Pattern CHANNEL = Pattern.compile("#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{2,}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern SEVERITY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");
    static final Pattern HAND_OFF = Pattern.compile("(?:([A-Za-z]+)\\s+)?(\\d{1,2}:\\d{2})");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("H:mm");

    static final String USER_FIX = "use the member id (U… or W…; in Slack: profile → ⋮ → Copy member ID)";
    private static final String GROUP_FIX = "or a user group as \"@handle\" (quoted)";

    private final Binder in;
    /** What permissions: may name, as the bot's commands declare it; empty: not checked. */
    private final Optional<PermissionKeys> permissionKeys;
    private Map<String, List<String>> roles = Map.of();
    private List<Severity> severities = Severity.DEFAULTS;
    private Map<String, Schedule> schedules = Map.of();
    private Map<String, Team> teams = Map.of();
    private SlackConfig slack = SlackConfig.NONE;
    /**
     * What a problem already reported leaves unknown: names the file declares whose definition
     * is broken (a severity whose ack-within is not a duration, a team that is not a mapping), by
     * section, and sections that could not be read at all. A reference to one of them is not
     * reported again: it is a consequence of that problem, and fixing that fixes it.
     */
    private final Map<String, Set<String>> broken = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();
    private boolean defaultChannelBroken;

    OpsbotConfigBinder(String file, Optional<PermissionKeys> permissionKeys) {
        this.in = new Binder(file);
        this.permissionKeys = permissionKeys;
    }

    List<Problem> problems() {
        return in.problems();
    }

    Optional<OpsbotConfig> bind(YamlNode root) {
        var top = in.map(root, "the file");
        if (top.isEmpty()) {
            return Optional.empty();
        }
        var doc = top.get();
        in.onlyKeys(doc, "", SECTIONS);
        var server = doc.get("server").flatMap(n -> in.map(n, "server")).map(this::server).orElse(ServerConfig.NONE);
        doc.get("slack").flatMap(n -> section(n, "slack")).ifPresent(m -> slack = slack(m));
        doc.get("roles").flatMap(n -> section(n, "roles")).ifPresent(m -> roles = roles(m));
        doc.get("severities").ifPresent(n -> severities = severities(n, "severities"));
        doc.get("schedules").flatMap(n -> section(n, "schedules"))
                .ifPresent(m -> schedules = new ScheduleBinder(in, this).schedules(m));
        doc.get("teams").flatMap(n -> section(n, "teams")).ifPresent(m -> teams = teams(m));
        var routes = routes(doc);
        var permissions = doc.get("permissions").flatMap(n -> in.map(n, "permissions"))
                .map(this::permissions).orElse(Map.of());
        var heartbeats = new HeartbeatsBinder(in).bind(doc.get(HeartbeatsBinder.SECTION), teams.keySet(), severityNames(),
                team -> teams.get(team).severities().stream().map(Severity::name).toList(),
                (section, name) -> unreadable.contains(section) || broken.getOrDefault(section, Set.of()).contains(name));
        var maintenance = new MaintenanceBinder(in, teams.keySet(), roles.keySet()).bind(doc);
        return Optional.of(new OpsbotConfig(slack, roles, severities, schedules, teams, routes, permissions, server,
                heartbeats, maintenance));
    }

    /** A top-level section as a mapping; one that is something else is reported, and remembered as unreadable. */
    private Optional<YamlMap> section(YamlNode node, String name) {
        var map = in.map(node, name);
        if (map.isEmpty() && !Binder.isNull(node)) {
            unreadable.add(name);
        }
        return map;
    }

    void broken(String section, String name) {
        broken.computeIfAbsent(section, k -> new HashSet<>()).add(name);
    }

    private ServerConfig server(YamlMap m) {
        in.onlyKeys(m, "server", List.of("port", "database", "runbooks", "templates"));
        var port = in.integer(m, "port", "server", 1, 65535);
        var database = in.text(m, "database", "server", false);
        database.filter(url -> !url.startsWith("jdbc:")).ifPresent(url -> in.problem(m.entry("database").get().line(),
                "server.database must be a JDBC URL", "write jdbc:sqlite:data/opsbot.db or jdbc:postgresql://host/db"));
        return new ServerConfig(port, database.filter(url -> url.startsWith("jdbc:")),
                in.text(m, "runbooks", "server", false).map(Path::of),
                in.text(m, "templates", "server", false).map(Path::of));
    }

    private SlackConfig slack(YamlMap m) {
        in.onlyKeys(m, "slack", List.of("default-channel", "incidents-channel", "incident-channels"));
        boolean own = in.scalar(m, "incident-channels", "slack", false).map(s -> {
            String v = s.text().strip();
            if (!v.equals("true") && !v.equals("false")) {
                in.problem(s.line(), "slack.incident-channels '" + v + "' is not true or false",
                        "write true to give each incident a channel of its own, or leave it out");
            }
            return v.equals("true");
        }).orElse(false);
        var defaultChannel = channel(m, "default-channel", "slack");
        defaultChannelBroken = defaultChannel.isEmpty() && m.entry("default-channel").isPresent();
        return new SlackConfig(defaultChannel, channel(m, "incidents-channel", "slack"), own);
    }

    private Optional<String> channel(YamlMap m, String key, String path) {
        m.entry(key).filter(e -> Binder.isNull(e.value())).ifPresent(e -> in.problem(e.line(),
                Binder.join(path, key) + " is empty",
                "write the channel in quotes, e.g. \"#alerts\": an unquoted # starts a YAML comment"));
        return in.scalar(m, key, path, false).flatMap(s -> {
            if (CHANNEL.matcher(s.text().strip()).matches()) {
                return Optional.of(s.text().strip());
            }
            in.problem(s.line(), Binder.join(path, key) + " '" + s.text() + "' is not a channel",
                    "write \"#channel-name\" (quoted, lower case, as in Slack) or the channel id (C…)");
            return Optional.empty();
        });
    }

    /** User ids and user groups listed under {@code key}, each wrong one reported with its line. */
    private List<String> people(YamlMap m, String key, String path) {
        var out = new ArrayList<String>();
        for (var s : in.scalars(m, key, path)) {
            if (USER_ID.matcher(s.text()).matches() || USER_GROUP.matcher(s.text()).matches()) {
                out.add(s.text());
            } else {
                in.problem(s.line(), Binder.join(path, key) + ": '" + s.text() + "' is not a Slack user id or user group",
                        USER_FIX + " " + GROUP_FIX);
            }
        }
        return out;
    }

    private Map<String, List<String>> roles(YamlMap m) {
        var out = new LinkedHashMap<String, List<String>>();
        for (var e : m.entries()) {
            var path = "roles." + e.key();
            name(e.key(), e.line(), "role");
            var members = new ArrayList<String>();
            for (var s : in.scalars(m, e.key(), "roles")) {
                if (USER_ID.matcher(s.text()).matches() || USER_GROUP.matcher(s.text()).matches()) {
                    members.add(s.text());
                } else {
                    in.problem(s.line(), path + ": '" + s.text() + "' is not a Slack user id or user group",
                            USER_FIX + " " + GROUP_FIX);
                }
            }
            out.put(e.key(), members);
        }
        return out;
    }

    /** @param section {@code severities}, or a team's {@code teams.<name>.severities} */
    private List<Severity> severities(YamlNode node, String section) {
        var list = in.list(node, section);
        if (list.isEmpty()) {
            if (!Binder.isNull(node)) {
                unreadable.add(section);
            }
            return Severity.DEFAULTS;
        }
        if (list.get().items().isEmpty()) {
            in.problem(node.line(), section + " is empty", section.equals("severities")
                    ? "list at least one severity, or remove the key for P1–P4"
                    : "list the team's own severities, or remove the key for the global ones");
            return Severity.DEFAULTS;
        }
        var out = new ArrayList<Severity>();
        var names = new HashSet<String>();
        var items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            var path = section + "[" + i + "]";
            var m = in.map(items.get(i), path);
            if (m.isEmpty()) {
                unreadable.add(section);
                continue;
            }
            in.onlyKeys(m.get(), path, List.of("name", "description", "ack-within", "resolve-within", "colour",
                    "update-every"));
            var name = in.text(m.get(), "name", path, true);
            // Severity names are typed in Slack (/ops incident declare P1 …), so one word each.
            name.filter(n -> !SEVERITY.matcher(n).matches()).ifPresent(n -> in.problem(
                    m.get().entry("name").get().line(), "severity name '" + n + "' cannot be typed as one word in"
                            + " /ops incident declare", "use letters, digits, '-' and '_' only, e.g. P1 or sev-1"));
            name.filter(n -> !names.add(n)).ifPresent(n -> in.problem(m.get().entry("name").get().line(),
                    "severity '" + n + "' is defined twice", "give each severity its own name"));
            var colour = in.text(m.get(), "colour", path, false);
            colour.filter(c -> !COLOUR.matcher(c).matches()).ifPresent(c -> in.problem(
                    m.get().entry("colour").get().line(), path + ".colour '" + c + "' is not a colour",
                    "write it as \"#rrggbb\" (quoted), e.g. \"#d93025\""));
            var ack = in.duration(m.get(), "ack-within", path, true);
            var resolve = in.duration(m.get(), "resolve-within", path, false);
            var update = in.duration(m.get(), "update-every", path, false);
            if (name.isPresent() && ack.isPresent()) {
                out.add(new Severity(name.get(), in.text(m.get(), "description", path, false).orElse(""), ack.get(),
                        resolve, colour.filter(c -> COLOUR.matcher(c).matches()), update));
            } else if (name.isPresent()) {
                broken(section, name.get());
            } else {
                unreadable.add(section);
            }
        }
        return out;
    }

    private Map<String, Team> teams(YamlMap m) {
        var out = new LinkedHashMap<String, Team>();
        for (var e : m.entries()) {
            var path = "teams." + e.key();
            name(e.key(), e.line(), "team");
            var t = in.map(e.value(), path);
            if (t.isEmpty()) {
                broken("teams", e.key());
                continue;
            }
            var map = t.get();
            var known = Stream.concat(Stream.of("channel", "responders", "severities", "severity-map", "escalation",
                    "business-hours", "digest", "contacts", "members"), MaintenanceBinder.TEAM_KEYS.stream()).toList();
            in.onlyKeys(map, path, known);
            var channel = channel(map, "channel", path);
            // A misspelt 'chanel' is already reported as such; "no channel" would only add noise.
            var misspeltChannel = map.entries().stream().anyMatch(en -> !known.contains(en.key())
                    && Suggestions.closest(en.key(), known).filter("channel"::equals).isPresent());
            if (map.get("channel").isEmpty() && slack.defaultChannel().isEmpty() && !misspeltChannel
                    && !defaultChannelBroken && !unreadable.contains("slack")) {
                in.problem(e.line(), path + " has no channel and slack.default-channel is not set",
                        "add 'channel: \"#" + e.key() + "-alerts\"' to the team or set slack.default-channel");
            }
            var responders = in.scalar(map, "responders", path, false)
                    .filter(r -> reference(r, path + ".responders", "role", roles.keySet(), "roles"))
                    .map(r -> r.text().strip());
            // A team's own levels replace the global ones for everything about its alerts.
            List<Severity> own = map.get("severities").filter(n -> !Binder.isNull(n))
                    .map(n -> severities(n, path + ".severities")).orElse(List.of());
            var levels = own.isEmpty() ? new Levels(severityNames(), "severities")
                    : new Levels(own.stream().map(Severity::name).toList(), path + ".severities");
            var severityMap = new LinkedHashMap<String, String>();
            map.get("severity-map").flatMap(n -> in.map(n, path + ".severity-map")).ifPresent(sm -> {
                for (var entry : sm.entries()) {
                    in.scalar(sm, entry.key(), path + ".severity-map", true)
                            .filter(v -> reference(v, path + ".severity-map." + entry.key(), "severity",
                                    levels.names(), levels.section()))
                            .ifPresent(v -> severityMap.put(entry.key(), v.text().strip()));
                }
            });
            var escalation = map.get("escalation").flatMap(n -> in.map(n, path + ".escalation"))
                    .map(em -> escalation(em, path + ".escalation", levels)).orElse(Escalation.NONE);
            var businessHours = map.get("business-hours").flatMap(n -> in.map(n, path + ".business-hours"))
                    .flatMap(hm -> hours(hm, path + ".business-hours"));
            var digest = digest(map, path + ".digest");
            out.put(e.key(), new Team(e.key(), channel, responders, severityMap, escalation, businessHours, digest, own,
                    ContactsBinder.bind(in, map, path), people(map, "members", path)));
        }
        return out;
    }

    /** {@code digest: off}, or {@code {day, at, time-zone}} with each key optional; absent is on. */
    private Digest digest(YamlMap team, String path) {
        var node = team.get("digest");
        if (node.isEmpty() || Binder.isNull(node.get())) {
            return Digest.DEFAULT;
        }
        if (node.get() instanceof org.opsbot.commands.yaml.YamlScalar s) {
            var t = s.text().strip().toLowerCase(Locale.ROOT);
            if (t.equals("off") || t.equals("false")) {
                return Digest.OFF;
            }
            if (t.equals("on") || t.equals("true")) {
                return Digest.DEFAULT;
            }
            in.problem(s.line(), path + " '" + s.text() + "' is neither off nor a schedule",
                    "write 'digest: off', or 'digest: {day: Mon, at: \"09:00\", time-zone: Europe/Berlin}'");
            return Digest.DEFAULT;
        }
        var m = in.map(node.get(), path);
        if (m.isEmpty()) {
            return Digest.DEFAULT;
        }
        in.onlyKeys(m.get(), path, List.of("day", "at", "time-zone"));
        var day = in.scalar(m.get(), "day", path, false).flatMap(d -> {
            var parsed = day(d.text());
            if (parsed.isEmpty()) {
                in.problem(d.line(), path + ".day '" + d.text() + "' is not a day of the week", "write Mon, Tue, … or Sun");
            }
            return parsed;
        }).orElse(Digest.DEFAULT.day());
        var at = in.scalar(m.get(), "at", path, false).flatMap(s -> clock(s, path + ".at")).orElse(Digest.DEFAULT.at());
        return new Digest(true, day, at, zone(m.get(), path, false));
    }

    /** The severity names a team's tiers and severity-map may name, and where they are defined. */
    private record Levels(java.util.Collection<String> names, String section) {
    }

    private Escalation escalation(YamlMap m, String path, Levels levels) {
        in.onlyKeys(m, path, List.of("repeat", "repeat-after", "tiers"));
        int repeat = in.integer(m, "repeat", path, 0, 100).orElse(0);
        var repeatAfter = in.duration(m, "repeat-after", path, false);
        if (repeatAfter.isPresent() && repeat == 0) {
            in.problem(m.entry("repeat-after").get().line(), path + ".repeat-after is set but repeat is 0,"
                    + " so the policy never repeats", "set repeat: to how many times to walk the tiers again,"
                    + " or remove repeat-after");
        }
        var tiers = new ArrayList<Tier>();
        var list = m.get("tiers").flatMap(n -> in.list(n, path + ".tiers"));
        if (list.isEmpty() || list.get().items().isEmpty()) {
            in.problem(m.entry("tiers").map(YamlMap.Entry::line).orElse(m.line()),
                    path + " has no tiers, so it would notify nobody",
                    "add tiers: with at least one {name: …, notify: […]}, or remove escalation:");
            return new Escalation(repeat, repeatAfter, tiers);
        }
        Duration previous = Duration.ZERO;
        String previousName = null;
        var items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            var tierPath = path + ".tiers[" + i + "]";
            var tm = in.map(items.get(i), tierPath);
            if (tm.isEmpty()) {
                continue;
            }
            var map = tm.get();
            in.onlyKeys(map, tierPath, List.of("name", "after", "notify", "severities", "hours", "match", "webhook"));
            var name = in.text(map, "name", tierPath, false).orElse("tier " + (i + 1));
            // The first tier usually fires at once; a later one without 'after' is almost always
            // an omission rather than "in parallel with the previous".
            var after = in.duration(map, "after", tierPath, i > 0);
            if (after.isPresent() && after.get().compareTo(previous) < 0) {
                in.problem(map.entry("after").get().line(), tierPath + " (" + name + ") has after "
                                + Durations.format(after.get()) + ", earlier than the tier before it (" + previousName
                                + ", " + Durations.format(previous) + "); tiers are walked in order",
                        "move this tier up to where its time fits, or set after to at least "
                                + Durations.format(previous));
            }
            var notify = new ArrayList<NotifyTarget>();
            var targets = in.scalars(map, "notify", tierPath);
            for (var target : targets) {
                notifyTarget(target, tierPath + ".notify").ifPresent(notify::add);
            }
            var webhook = map.get("webhook").flatMap(n -> in.map(n, tierPath + ".webhook"))
                    .flatMap(wm -> webhook(wm, tierPath + ".webhook", map.entry("webhook").get().line()));
            // A tier may page through its webhook alone.
            if (targets.isEmpty() && map.get("webhook").isEmpty() && !(map.get("notify").orElse(null) instanceof YamlMap)) {
                in.problem(map.entry("notify").map(YamlMap.Entry::line).orElse(map.line()),
                        tierPath + " (" + name + ") notifies nobody",
                        "add notify: with user ids, \"@usergroup\" or \"schedule:name\"");
            }
            var tierSeverities = new HashSet<String>();
            for (var s : in.scalars(map, "severities", tierPath)) {
                if (reference(s, tierPath + ".severities", "severity", levels.names(), levels.section())) {
                    tierSeverities.add(s.text());
                }
            }
            var hours = map.get("hours").flatMap(n -> in.map(n, tierPath + ".hours"))
                    .flatMap(hm -> hours(hm, tierPath + ".hours"));
            var effective = after.orElse(previous);
            tiers.add(new Tier(name, effective, notify, tierSeverities, hours, webhook,
                    LabelMatchBinder.bind(in, map, tierPath)));
            if (effective.compareTo(previous) >= 0) {
                previous = effective;
                previousName = name;
            }
        }
        return new Escalation(repeat, repeatAfter, tiers);
    }

    private static final Pattern RESPONDER = Pattern.compile("(team|user|escalation|schedule):\\S.*");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private Optional<PagerWebhook> webhook(YamlMap m, String path, int line) {
        in.onlyKeys(m, path, List.of("format", "url", "headers", "routing-key", "api-key", "responders"));
        var format = PagerWebhook.Format.OPSBOT;
        var formatOk = true;
        var named = in.scalar(m, "format", path, false);
        if (named.isPresent()) {
            var f = PagerWebhook.Format.named(named.get().text().strip());
            if (f.isEmpty()) {
                in.problem(named.get().line(), path + ".format '" + named.get().text() + "' is not a pager format",
                        "write opsbot (opsbot's own JSON, the default), pagerduty (Events API v2) or opsgenie (Alert API v2)");
                formatOk = false;
            } else {
                format = f.get();
            }
        }
        final var fmt = format;
        var url = in.scalar(m, "url", path, fmt.defaultUrl().isEmpty()).flatMap(s -> {
            var fix = "write the pager's events URL, e.g. https://events.pagerduty.com/v2/enqueue";
            try {
                var uri = new java.net.URI(s.text().strip());
                var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                    in.problem(s.line(), path + ".url '" + s.text() + "' is not an http(s) URL", fix);
                    return Optional.empty();
                }
                if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                    // The user part may be a credential: not quoted back.
                    in.problem(s.line(), path + ".url has a user part or a #fragment",
                            "remove it; give credentials in headers: from the environment, e.g. {Authorization: \"Bearer ${PAGER_TOKEN}\"}");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (java.net.URISyntaxException e) {
                in.problem(s.line(), path + ".url is not a valid URL: " + e.getReason(), fix);
                return Optional.empty();
            }
        }).or(() -> m.get("url").isPresent() ? Optional.empty() : fmt.defaultUrl());
        // The format's own secret: one variable, required, and only where the format has one.
        Optional<String> key = Optional.empty();
        for (var keyName : List.of("routing-key", "api-key")) {
            var value = in.scalar(m, keyName, path, false);
            if (value.isEmpty()) {
                continue;
            }
            if (!fmt.keyName().equals(Optional.of(keyName))) {
                in.problem(value.get().line(), path + "." + keyName + " is not used by the " + fmt.configName() + " format",
                        fmt.keyName().map(k -> "write " + k + " instead").orElse("remove it, or set format: to "
                                + (keyName.equals("routing-key") ? "pagerduty" : "opsgenie")));
                formatOk = false;
            } else if (!PagerWebhook.VARIABLE.matcher(value.get().text().strip()).matches()) {
                // Never quoted back: it may be the secret itself.
                in.problem(value.get().line(), path + "." + keyName + " is a literal value; it comes from the"
                                + " environment only, since " + in.file() + " is kept in Git",
                        "write \"${NAME}\" (one variable, no default) and set NAME where opsbot runs; rotate the"
                                + " value if it was ever committed");
                formatOk = false;
            } else {
                key = Optional.of(value.get().text().strip());
            }
        }
        if (formatOk && fmt.keyName().isPresent() && key.isEmpty()) {
            in.problem(line, path + " (format " + fmt.configName() + ") has no " + fmt.keyName().get(),
                    fmt == PagerWebhook.Format.PAGERDUTY
                            ? "add routing-key: \"${PAGERDUTY_ROUTING_KEY}\" (the service's Events API v2 integration key, from the environment)"
                            : "add api-key: \"${OPSGENIE_API_KEY}\" (an API integration's key, from the environment)");
            formatOk = false;
        }
        var responders = new ArrayList<String>();
        for (var r : in.scalars(m, "responders", path)) {
            if (fmt != PagerWebhook.Format.OPSGENIE) {
                in.problem(r.line(), path + ".responders is only used by the opsgenie format", "remove it");
                formatOk = false;
                break;
            }
            if (!RESPONDER.matcher(r.text().strip()).matches()) {
                in.problem(r.line(), path + ".responders '" + r.text() + "' is not type:name",
                        "write team:<name>, user:<username>, escalation:<name> or schedule:<name>");
                formatOk = false;
                continue;
            }
            responders.add(r.text().strip());
        }
        var ok = formatOk;
        var headers = new LinkedHashMap<String, String>();
        var hm = m.get("headers").flatMap(n -> in.map(n, path + ".headers"));
        if (hm.isPresent()) {
            for (var e : hm.get().entries()) {
                var headerPath = path + ".headers." + e.key();
                if (!HEADER_NAME.matcher(e.key()).matches()) {
                    in.problem(e.line(), headerPath + " is not an HTTP header name", "use letters, digits and '-', e.g. Authorization");
                    ok = false;
                    continue;
                }
                var value = in.scalar(hm.get(), e.key(), path + ".headers", true);
                if (value.isEmpty()) {
                    ok = false;
                    continue;
                }
                if (!PagerWebhook.TEMPLATE.matcher(value.get().text().strip()).matches()) {
                    // Never quoted back: it may be the secret itself.
                    in.problem(value.get().line(), headerPath + " is a literal value; header values come from the"
                                    + " environment only, since " + in.file() + " is kept in Git",
                            "write \"${NAME}\" or \"Bearer ${NAME}\" (one variable, no default) and set NAME where opsbot"
                                    + " runs; rotate the value if it was ever committed");
                    ok = false;
                    continue;
                }
                headers.put(e.key(), value.get().text().strip());
            }
        }
        if (url.isEmpty() || !ok) {
            return Optional.empty();
        }
        return Optional.of(new PagerWebhook(fmt, url.get(), headers, key, responders, in.file() + ":" + line, path));
    }

    private Optional<NotifyTarget> notifyTarget(YamlScalar target, String path) {
        var text = target.text();
        if (text.startsWith("schedule:")) {
            var schedule = text.substring("schedule:".length()).strip();
            var ref = new YamlScalar(schedule, YamlScalar.Kind.TEXT, target.line());
            return reference(ref, path, "schedule", schedules.keySet(), "schedules")
                    ? Optional.of(new NotifyTarget(NotifyTarget.Kind.SCHEDULE, schedule)) : Optional.empty();
        }
        if (USER_ID.matcher(text).matches()) {
            return Optional.of(new NotifyTarget(NotifyTarget.Kind.USER, text));
        }
        if (USER_GROUP.matcher(text).matches()) {
            return Optional.of(new NotifyTarget(NotifyTarget.Kind.USER_GROUP, text));
        }
        in.problem(target.line(), path + ": '" + text + "' is not a Slack user id, user group or schedule",
                USER_FIX + ", " + GROUP_FIX.substring(3) + ", or \"schedule:name\"");
        return Optional.empty();
    }

    private Optional<BusinessHours> hours(YamlMap m, String path) {
        in.onlyKeys(m, path, List.of("days", "from", "to", "time-zone"));
        var days = days(m, path);
        var from = in.scalar(m, "from", path, true).flatMap(s -> clock(s, path + ".from"));
        var to = in.scalar(m, "to", path, true).flatMap(s -> clock(s, path + ".to"));
        var zone = zone(m, path, true);
        if (from.isPresent() && to.isPresent() && from.get().equals(to.get())) {
            in.problem(m.entry("to").get().line(), path + " starts and ends at the same time",
                    "set 'to' later than 'from' (or earlier, for hours that span midnight)");
            return Optional.empty();
        }
        if (days.isEmpty() || from.isEmpty() || to.isEmpty() || zone.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BusinessHours(days.get(), from.get(), to.get(), zone.get()));
    }

    private List<Route> routes(YamlMap doc) {
        var out = new ArrayList<Route>();
        var node = doc.get("routes");
        if (node.isEmpty() || Binder.isNull(node.get())) {
            if (!teams.isEmpty()) {
                in.problem(doc.entry("teams").get().line(), "there are teams but no routes, so alerts reach no team",
                        "add 'routes:' with at least a default route such as '- {team: "
                                + teams.keySet().iterator().next() + "}'");
            }
            return out;
        }
        var list = in.list(node.get(), "routes");
        if (list.isEmpty()) {
            return out;
        }
        var items = list.get().items();
        Integer catchAll = null;
        for (int i = 0; i < items.size(); i++) {
            var path = "routes[" + i + "]";
            var rm = in.map(items.get(i), path);
            if (rm.isEmpty()) {
                continue;
            }
            var map = rm.get();
            in.onlyKeys(map, path, List.of("match", "match-re", "team", "group-by"));
            if (catchAll != null) {
                in.problem(map.line(), path + " is never reached: routes[" + catchAll
                                + "] above it has no match or match-re and takes every alert",
                        "move the route without matchers to the end of routes:");
            }
            var match = LabelMatchBinder.bind(in, map, path);
            var matchRe = new LinkedHashMap<String, Pattern>();
            map.get("match-re").flatMap(n -> in.map(n, path + ".match-re")).ifPresent(mm -> {
                for (var e : mm.entries()) {
                    label(e.key(), e.line(), path + ".match-re");
                    in.scalar(mm, e.key(), path + ".match-re", true).ifPresent(v -> {
                        try {
                            matchRe.put(e.key(), Pattern.compile(v.text()));
                        } catch (PatternSyntaxException ex) {
                            in.problem(v.line(), path + ".match-re." + e.key() + " is not a valid regular expression: "
                                            + ex.getDescription() + " near position " + ex.getIndex(),
                                    "correct the pattern (Java regex syntax, matched against the whole label value);"
                                            + " quote it in YAML, e.g. \"Extraction.*\"");
                        }
                    });
                }
            });
            var team = in.scalar(map, "team", path, true)
                    .filter(t -> reference(t, path + ".team", "team", teams.keySet(), "teams"))
                    .map(YamlScalar::text);
            var groupBy = new ArrayList<String>();
            for (var label : in.scalars(map, "group-by", path)) {
                if (label(label.text(), label.line(), path + ".group-by")) {
                    groupBy.add(label.text());
                }
            }
            if (map.get("match").isEmpty() && map.get("match-re").isEmpty() && catchAll == null) {
                catchAll = i;
            }
            team.ifPresent(t -> out.add(new Route(match, matchRe, t, groupBy)));
        }
        return out;
    }

    private Map<String, List<String>> permissions(YamlMap m) {
        permissionKeys.ifPresent(known -> in.onlyKeys(m, "permissions", known.keys()));
        var out = new LinkedHashMap<String, List<String>>();
        for (var e : m.entries()) {
            if (permissionKeys.isPresent() && !permissionKeys.get().contains(e.key())) {
                continue;
            }
            var allowed = new ArrayList<String>();
            for (var role : in.scalars(m, e.key(), "permissions")) {
                if (reference(role, "permissions." + e.key(), "role", roles.keySet(), "roles")) {
                    allowed.add(role.text());
                }
            }
            out.put(e.key(), allowed);
        }
        return out;
    }

    /** Checks that {@code ref} names one of {@code defined}; the message lists what exists. */
    private boolean reference(YamlScalar ref, String path, String kind, Collection<String> defined, String section) {
        var name = ref.text().strip();
        if (defined.contains(name)) {
            return true;
        }
        if (unreadable.contains(section) || broken.getOrDefault(section, Set.of()).contains(name)) {
            return false;
        }
        var known = defined.isEmpty() ? "none are defined" : "defined: " + String.join(", ", defined);
        var fix = Suggestions.closest(name, defined)
                .map(s -> "did you mean '" + s + "'? Use one of those or add '" + name + "' under " + section + ":")
                .orElse("use one of those or add it under " + section + ":");
        in.problem(ref.line(), path + " names " + kind + " '" + name + "', which is not defined under " + section
                + ": (" + known + ")", fix);
        return false;
    }

    private Collection<String> severityNames() {
        return severities.stream().map(Severity::name).toList();
    }

    void name(String name, int line, String kind) {
        if (!NAME.matcher(name).matches()) {
            in.problem(line, kind + " name '" + name + "' is not usable in commands",
                    "use lower-case letters, digits, '-' and '_' only, e.g. '"
                            + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-") + "'");
        }
        ScheduleBinder.reserved(in, name, line, kind);
    }

    private boolean label(String label, int line, String path) {
        if (LABEL.matcher(label).matches()) {
            return true;
        }
        in.problem(line, path + ": '" + label + "' is not a label name",
                "label names are letters, digits and '_', not starting with a digit");
        return false;
    }

    Optional<ZoneId> zone(YamlMap m, String path, boolean required) {
        return in.scalar(m, "time-zone", path, required).flatMap(z -> {
            try {
                return Optional.of(ZoneId.of(z.text().strip()));
            } catch (DateTimeException ex) {
                var names = "an IANA zone name such as Europe/Berlin, America/New_York or UTC";
                var fix = Suggestions.closest(z.text().strip(), ZoneId.getAvailableZoneIds())
                        .map(s -> "did you mean " + s + "? Otherwise use " + names).orElse("use " + names);
                in.problem(z.line(), path + ".time-zone '" + z.text() + "' is not a time zone", fix);
                return Optional.empty();
            }
        });
    }

    /**
     * The {@code days:} of {@code m} (ranges such as Mon-Fri, or lists such as [Sat, Sun]), every
     * day when it has none; empty, with each bad entry reported, when any is not a set of days.
     */
    Optional<Set<DayOfWeek>> days(YamlMap m, String path) {
        var days = EnumSet.noneOf(DayOfWeek.class);
        var ok = true;
        var dayValues = in.scalars(m, "days", path);
        for (var d : dayValues) {
            var parsed = days(d.text());
            if (parsed.isEmpty()) {
                ok = false;
                in.problem(d.line(), path + ".days '" + d.text() + "' is not a set of days",
                        "write a range such as Mon-Fri, or days such as [Sat, Sun]");
            } else {
                days.addAll(parsed.get());
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(dayValues.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : days);
    }

    Optional<LocalTime> clock(YamlScalar s, String path) {
        var time = clock(s.text().strip());
        if (time.isEmpty()) {
            in.problem(s.line(), path + " '" + s.text() + "' is not a time of day",
                    "write it as \"HH:MM\" in quotes, e.g. \"09:00\"");
        }
        return time;
    }

    static Optional<LocalTime> clock(String text) {
        try {
            return Optional.of(LocalTime.parse(text, CLOCK));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Optional<DayOfWeek> day(String text) {
        var t = text.strip().toLowerCase(Locale.ROOT);
        if (t.length() < 3) {
            return Optional.empty();
        }
        for (var d : DayOfWeek.values()) {
            var full = d.name().toLowerCase(Locale.ROOT);
            if (full.startsWith(t)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** {@code Mon-Fri}, {@code Fri-Mon} (wrapping), {@code Mon,Wed,Fri}, or one day. */
    static Optional<Set<DayOfWeek>> days(String text) {
        var out = EnumSet.noneOf(DayOfWeek.class);
        for (var part : text.split(",")) {
            var range = part.split("-", -1);
            if (range.length == 1) {
                var d = day(range[0]);
                if (d.isEmpty()) {
                    return Optional.empty();
                }
                out.add(d.get());
            } else if (range.length == 2) {
                var from = day(range[0]);
                var to = day(range[1]);
                if (from.isEmpty() || to.isEmpty()) {
                    return Optional.empty();
                }
                for (var d = from.get(); ; d = d.plus(1)) {
                    out.add(d);
                    if (d == to.get()) {
                        break;
                    }
                }
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }
}
