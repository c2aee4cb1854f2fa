package org.opsbot.commands.config;

import org.opsbot.commands.yaml.YamlList;
import org.opsbot.commands.yaml.YamlMap;
import org.opsbot.commands.yaml.YamlNode;
import org.opsbot.commands.yaml.YamlScalar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * opsbot.yaml's {@code schedules:}: each either one rotation (the keys of a layer, directly) or
 * {@code layers:}, a list of rotations of which the later wins where they overlap.
 */
final class ScheduleBinder {
    /** Words {@code /ops override} and {@code /ops schedule} read as verbs, so no team or schedule may be called so. */
    static final Set<String> RESERVED = Set.of("list", "cancel", "url");

    private static final List<String> LAYER_KEYS =
            List.of("name", "time-zone", "rotation", "start", "hand-off", "members", "restrict");

    private final Binder in;
    private final OpsbotConfigBinder shared;

    ScheduleBinder(Binder in, OpsbotConfigBinder shared) {
        this.in = in;
        this.shared = shared;
    }

    /** Reports a team or schedule named like a verb of the commands that take one. */
    static void reserved(Binder in, String name, int line, String kind) {
        if ((kind.equals("team") || kind.equals("schedule")) && RESERVED.contains(name)) {
            in.problem(line, kind + " name '" + name + "' is a word of /ops override and /ops schedule ("
                    + String.join(", ", RESERVED.stream().sorted().toList()) + ")", "choose another name, e.g. '" + name + "-" + kind + "'");
        }
    }

    Map<String, Schedule> schedules(YamlMap m) {
        var out = new LinkedHashMap<String, Schedule>();
        var groups = new LinkedHashMap<String, YamlMap.Entry>();
        for (var e : m.entries()) {
            var path = "schedules." + e.key();
            shared.name(e.key(), e.line(), "schedule");
            var s = in.map(e.value(), path);
            if (s.isEmpty()) {
                shared.broken("schedules", e.key());
                continue;
            }
            var map = s.get();
            Optional<List<Schedule.Layer>> layers;
            if (map.get("layers").isPresent()) {
                in.onlyKeys(map, path, List.of("time-zone", "layers", "hand-off-notice", "slack-usergroup"));
                layers = layers(map, path);
            } else {
                in.onlyKeys(map, path, List.of("time-zone", "rotation", "start", "hand-off", "members", "layers", "hand-off-notice", "slack-usergroup"));
                layers = layer(map, path, e.key(), Optional.empty(), false).map(List::of);
            }
            var usergroup = usergroup(map, path).filter(g -> ownUsergroup(g, e, map, groups));
            if (layers.isPresent()) {
                out.put(e.key(), new Schedule(e.key(), layers.get(), in.file(), e.line(), handOffNotice(map, path),
                        usergroup));
            } else {
                shared.broken("schedules", e.key());
            }
        }
        return out;
    }

    /**
     * {@code slack-usergroup: cdc-oncall}: the handle (as after the {@code @}) of the user group
     * the bot keeps equal to who is on call.
     */
    private Optional<String> usergroup(YamlMap map, String path) {
        return in.scalar(map, "slack-usergroup", path, false).flatMap(s -> {
            String handle = s.text().strip();
            handle = handle.startsWith("@") ? handle.substring(1) : handle;
            if (!USERGROUP_HANDLE.matcher(handle).matches()) {
                in.problem(s.line(), path + ".slack-usergroup '" + s.text() + "' is not a user group handle",
                        "write the handle people mention, without spaces, e.g. slack-usergroup: cdc-oncall");
                return Optional.empty();
            }
            return Optional.of(handle);
        });
    }

    /**
     * A user group is kept equal to one schedule's people: two schedules naming the same one would
     * each set it to their own on every check, so the group flips and both are wrong.
     *
     * @param groups the user groups named so far, each with the schedule that named it
     */
    private boolean ownUsergroup(String handle, YamlMap.Entry schedule, YamlMap map, Map<String, YamlMap.Entry> groups) {
        YamlMap.Entry firstEntry = groups.putIfAbsent(handle, schedule);
        if (firstEntry == null) {
            return true;
        }
        String first = firstEntry.key();
        int line = map.entry("slack-usergroup").map(YamlMap.Entry::line).orElse(schedule.line());
        in.problem(line, "schedules." + schedule.key() + ".slack-usergroup '" + handle + "' is already kept by schedule '"
                        + first + "' (line " + firstEntry.line() + "); the two would overwrite each other's members of @" + handle,
                "a user group follows one schedule: give '" + schedule.key() + "' its own (e.g. slack-usergroup: "
                        + schedule.key() + "-oncall), or keep @" + handle + " on '" + first + "' only");
        return false;
    }

    /** Slack's handles: lower case letters, digits, dots, hyphens and underscores. */
    private static final java.util.regex.Pattern USERGROUP_HANDLE = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,79}");

    /** {@code hand-off-notice: 1h}: how long before a shift the incoming person is told; at most a week. */
    private Duration handOffNotice(YamlMap map, String path) {
        return in.duration(map, "hand-off-notice", path, false).filter(d -> {
            if (d.compareTo(Duration.ofDays(7)) > 0) {
                in.problem(map.entry("hand-off-notice").get().line(), path + ".hand-off-notice is longer than a week",
                        "write a notice such as 1h or 12h");
                return false;
            }
            return true;
        }).orElse(Schedule.DEFAULT_HAND_OFF_NOTICE);
    }

    private Optional<List<Schedule.Layer>> layers(YamlMap map, String path) {
        var zone = shared.zone(map, path, false);
        var list = in.list(map.get("layers").get(), path + ".layers");
        if (list.isEmpty()) {
            return Optional.empty();
        }
        YamlList items = list.get();
        if (items.items().isEmpty()) {
            in.problem(map.entry("layers").get().line(), path + ".layers is empty", "list at least one rotation under layers:");
            return Optional.empty();
        }
        var out = new ArrayList<Schedule.Layer>();
        boolean ok = true;
        for (int i = 0; i < items.items().size(); i++) {
            var layerPath = path + ".layers[" + i + "]";
            YamlNode node = items.items().get(i);
            var lm = in.map(node, layerPath);
            if (lm.isEmpty()) {
                ok = false;
                continue;
            }
            in.onlyKeys(lm.get(), layerPath, LAYER_KEYS);
            var name = in.text(lm.get(), "name", layerPath, false).orElse("layer " + (i + 1));
            var layer = layer(lm.get(), layerPath, name, zone, true);
            ok &= layer.isPresent();
            layer.ifPresent(out::add);
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** One rotation; {@code zone} is the schedule's, for a layer that names none. */
    private Optional<Schedule.Layer> layer(YamlMap map, String path, String name, Optional<ZoneId> zone,
                                           boolean restrictable) {
        var ownZone = shared.zone(map, path, zone.isEmpty());
        var layerZone = ownZone.or(() -> zone);
        var rotation = in.scalar(map, "rotation", path, true).flatMap(r -> rotation(r, path));
        var start = in.scalar(map, "start", path, true).flatMap(d -> {
            try {
                return Optional.of(LocalDate.parse(d.text().strip()));
            } catch (DateTimeParseException ex) {
                in.problem(d.line(), path + ".start '" + d.text() + "' is not a date",
                        "write the date of the first hand-off as YYYY-MM-DD, e.g. 2026-01-05");
                return Optional.<LocalDate>empty();
            }
        });
        var handOff = in.scalar(map, "hand-off", path, false)
                .flatMap(h -> handOff(h, path, rotation.orElse(null))).orElse(Schedule.HandOff.DEFAULT);
        var members = new ArrayList<String>();
        var given = in.scalars(map, "members", path);
        for (var member : given) {
            if (OpsbotConfigBinder.USER_ID.matcher(member.text()).matches()) {
                members.add(member.text());
            } else {
                in.problem(member.line(), path + ".members: '" + member.text() + "' is not a Slack user id",
                        OpsbotConfigBinder.USER_FIX + "; a rotation needs people, not groups");
            }
        }
        if (given.isEmpty() && !(map.get("members").orElse(null) instanceof YamlMap)) {
            in.problem(map.entry("members").map(YamlMap.Entry::line).orElse(map.line()),
                    path + " has no members", "list the Slack user ids of the rotation under members:");
        }
        Optional<Schedule.Restriction> restriction = Optional.empty();
        boolean restrictionOk = true;
        if (restrictable && map.get("restrict").isPresent()) {
            restriction = in.map(map.get("restrict").get(), path + ".restrict").flatMap(r -> restriction(r, path + ".restrict"));
            restrictionOk = restriction.isPresent();
        }
        if (layerZone.isPresent() && rotation.isPresent() && start.isPresent() && restrictionOk) {
            return Optional.of(new Schedule.Layer(name, layerZone.get(), rotation.get(), start.get(), handOff, members,
                    restriction));
        }
        return Optional.empty();
    }

    /** {@code {days: Mon-Fri, from: "09:00", to: "18:00"}}, in the layer's zone; days alone cover them whole. */
    private Optional<Schedule.Restriction> restriction(YamlMap m, String path) {
        in.onlyKeys(m, path, List.of("days", "from", "to"));
        var days = shared.days(m, path);
        var from = in.scalar(m, "from", path, false).flatMap(s -> shared.clock(s, path + ".from"));
        var to = in.scalar(m, "to", path, false).flatMap(s -> shared.clock(s, path + ".to"));
        boolean hasFrom = m.get("from").isPresent();
        boolean hasTo = m.get("to").isPresent();
        if (hasFrom != hasTo) {
            in.problem(m.line(), path + " has only one of from and to",
                    "give both, e.g. from: \"09:00\" and to: \"18:00\", or neither to cover whole days");
            return Optional.empty();
        }
        if (hasFrom && from.isPresent() && to.isPresent() && from.get().equals(to.get())) {
            in.problem(m.entry("to").get().line(), path + " starts and ends at the same time",
                    "set 'to' later than 'from' (or earlier, for hours that span midnight), or leave both out for whole days");
            return Optional.empty();
        }
        if (days.isEmpty() || (hasFrom && (from.isEmpty() || to.isEmpty()))) {
            return Optional.empty();
        }
        return Optional.of(new Schedule.Restriction(days.get(), from.orElse(LocalTime.MIDNIGHT), to.orElse(LocalTime.MIDNIGHT)));
    }

    private Optional<Schedule.Rotation> rotation(YamlScalar r, String path) {
        var text = r.text().strip().toLowerCase(Locale.ROOT);
        if (text.equals("daily")) {
            return Optional.of(Schedule.Rotation.DAILY);
        }
        if (text.equals("weekly")) {
            return Optional.of(Schedule.Rotation.WEEKLY);
        }
        try {
            var length = Durations.parse(text);
            if (length.compareTo(Duration.ofHours(1)) >= 0) {
                return Optional.of(new Schedule.Rotation(Schedule.RotationKind.DURATION, length));
            }
        } catch (IllegalArgumentException ignored) {
            // reported below, with the choices
        }
        in.problem(r.line(), path + ".rotation '" + r.text() + "' is not a rotation",
                "write daily, weekly, or a length of at least 1h such as 12h or 2d");
        return Optional.empty();
    }

    private Optional<Schedule.HandOff> handOff(YamlScalar h, String path, Schedule.Rotation rotation) {
        var m = OpsbotConfigBinder.HAND_OFF.matcher(h.text().strip());
        Optional<DayOfWeek> day = Optional.empty();
        Optional<LocalTime> time = Optional.empty();
        if (m.matches()) {
            time = OpsbotConfigBinder.clock(m.group(2));
            if (m.group(1) != null) {
                day = OpsbotConfigBinder.day(m.group(1));
                if (day.isEmpty()) {
                    time = Optional.empty();
                }
            }
        }
        if (time.isEmpty()) {
            in.problem(h.line(), path + ".hand-off '" + h.text() + "' is not a hand-off time",
                    "write \"09:00\", or \"Mon 09:00\" for a weekly rotation");
            return Optional.empty();
        }
        if (day.isPresent() && rotation != null && rotation.kind() != Schedule.RotationKind.WEEKLY) {
            in.problem(h.line(), path + ".hand-off names a day, but the rotation is not weekly",
                    "write only the time, e.g. \"09:00\"");
            return Optional.empty();
        }
        return Optional.of(new Schedule.HandOff(day, time.get()));
    }
}
