package org.opsbot.bot.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.stats.Percentiles;
import org.opsbot.commands.stats.TeamStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

/** A period's stats as words: a Slack message, terminal lines, or JSON for scripts. */
final class StatsText {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int PEOPLE = 8;

    private StatsText() {
    }

    /** The title line: "Stats for cdc · 25 Nov – 1 Dec 2026". */
    static String title(TeamStats s) {
        return "Stats for " + s.team().orElse("all teams") + " · " + s.period().label();
    }

    /** The people it names are mentioned only when {@code names} lacks them: a mention notifies. */
    static SlackMessage slack(TeamStats s, String footer, Map<String, String> names) {
        Function<String, String> who = id -> names.containsKey(id) ? SlackText.escape(names.get(id)) : SlackText.user(id);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(SlackText.cut(title(s), 150)))));
        blocks.add(section(x -> x.text(markdownText(String.join("\n", summary(s, true, who))))));
        List<String> times = times(s, true);
        if (!times.isEmpty()) {
            blocks.add(section(x -> x.text(markdownText("*Time to acknowledge · resolve* (median / 90th percentile)\n"
                    + String.join("\n", times)))));
        }
        List<String> noisy = noisy(s, true);
        if (!noisy.isEmpty()) {
            blocks.add(section(x -> x.text(markdownText("*Noisiest alerts*\n" + String.join("\n", noisy)))));
        }
        List<String> people = people(s, who);
        if (!people.isEmpty()) {
            blocks.add(section(x -> x.text(markdownText(String.join("\n", people)))));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText(SlackText.escape(footer))))));
        String fallback = title(s) + ": " + s.groupsOpened() + " alert groups, " + s.pagesSent() + " pages ("
                + s.pagesOutOfHours() + " out of hours)";
        return SlackMessage.of(fallback, blocks);
    }

    static String plain(TeamStats s) {
        Function<String, String> who = id -> id;
        StringBuilder out = new StringBuilder(title(s)).append(" (").append(s.period().zone().getId()).append(")\n\n");
        summary(s, false, who).forEach(l -> out.append(l).append('\n'));
        List<String> times = times(s, false);
        if (!times.isEmpty()) {
            out.append("\nTime to acknowledge / resolve (median / 90th percentile)\n");
            times.forEach(l -> out.append("  ").append(l).append('\n'));
        }
        List<String> noisy = noisy(s, false);
        if (!noisy.isEmpty()) {
            out.append("\nNoisiest alerts\n");
            noisy.forEach(l -> out.append("  ").append(l).append('\n'));
        }
        List<String> people = people(s, who);
        if (!people.isEmpty()) {
            out.append('\n');
            people.forEach(l -> out.append(l.replace("*", "")).append('\n'));
        }
        return out.toString();
    }

    static String json(TeamStats s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("team", s.team().orElse(null));
        root.put("from", s.period().first().toString());
        root.put("to", s.period().last().toString());
        root.put("timeZone", s.period().zone().getId());
        root.put("alertGroupsOpened", s.groupsOpened());
        ObjectNode pages = root.putObject("pages");
        pages.put("sent", s.pagesSent());
        pages.put("notReached", s.pagesNotReached());
        pages.put("inBusinessHours", s.pagesInHours());
        pages.put("outOfHours", s.pagesOutOfHours());
        s.pagesByTier().forEach(pages.putObject("byTier")::put);
        s.pagesByPerson().forEach(pages.putObject("byPerson")::put);
        ArrayNode hours = pages.putArray("byHourOfDay");
        s.pagesByHour().forEach(hours::add);
        root.put("escalatedPastFirstTier", s.escalatedPastFirstTier());
        ArrayNode severities = root.putArray("severities");
        for (TeamStats.SeverityTimes t : s.severities()) {
            ObjectNode n = severities.addObject();
            n.put("severity", t.severity());
            n.put("alertGroups", t.groups());
            percentiles(n.putObject("timeToAcknowledge"), t.ack(), t.ackWithin(), t.ackedInTime());
            percentiles(n.putObject("timeToResolve"), t.resolve(), t.resolveWithin(), t.resolvedInTime());
        }
        ArrayNode noisy = root.putArray("noisiestAlerts");
        for (TeamStats.NoisyAlert a : s.noisiest()) {
            noisy.addObject().put("alertname", a.alertname()).put("alertGroups", a.groups())
                    .put("resolvedWithoutAck", a.resolvedUnacked()).put("markedNotActionable", a.notActionable());
        }
        ObjectNode incidents = root.putObject("incidents");
        incidents.put("declared", s.incidents().declared());
        percentiles(incidents.putObject("duration"), s.incidents().durations(), Optional.empty(), 0);
        ObjectNode onCall = root.putObject("onCallHours");
        s.onCallHours().forEach(onCall::put);
        root.put("onCallHoursFrom", s.onCallFromSchedule() ? "schedule" : "hand-offs");
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void percentiles(ObjectNode n, Percentiles p, Optional<Duration> target, int inTime) {
        n.put("count", p.count());
        n.put("medianSeconds", p.median().map(Duration::toSeconds).orElse(null));
        n.put("p90Seconds", p.p90().map(Duration::toSeconds).orElse(null));
        target.ifPresent(t -> {
            n.put("targetSeconds", t.toSeconds());
            n.put("withinTarget", inTime);
        });
    }

    private static List<String> summary(TeamStats s, boolean slack, Function<String, String> who) {
        List<String> lines = new ArrayList<>();
        lines.add(bold(slack, s.groupsOpened() + " alert " + plural(s.groupsOpened(), "group", "groups")) + " opened · "
                + bold(slack, s.pagesSent() + " " + plural(s.pagesSent(), "page", "pages")) + " sent ("
                + s.pagesInHours() + " in business hours, " + s.pagesOutOfHours() + " out of hours)"
                + (s.pagesNotReached() == 0 ? "" : " · " + s.pagesNotReached() + " not reached"));
        if (!s.pagesByTier().isEmpty()) {
            lines.add("By tier: " + s.pagesByTier().entrySet().stream()
                    .map(e -> text(slack, e.getKey()) + " " + e.getValue()).collect(Collectors.joining(", "))
                    + " · " + s.escalatedPastFirstTier() + " escalated past tier 1");
        }
        if (s.incidents().declared() > 0) {
            lines.add(s.incidents().declared() + " " + plural(s.incidents().declared(), "incident", "incidents")
                    + s.incidents().durations().median().map(d -> ", median duration " + human(d)).orElse(""));
        }
        return lines;
    }

    private static List<String> times(TeamStats s, boolean slack) {
        List<String> lines = new ArrayList<>();
        for (TeamStats.SeverityTimes t : s.severities()) {
            lines.add(bold(slack, text(slack, t.severity())) + " (" + t.groups() + "): "
                    + pair(t.ack()) + target(t.ack(), t.ackWithin(), t.ackedInTime())
                    + " · " + pair(t.resolve()) + target(t.resolve(), t.resolveWithin(), t.resolvedInTime()));
        }
        return lines;
    }

    private static List<String> noisy(TeamStats s, boolean slack) {
        return s.noisiest().stream().map(a -> text(slack, a.alertname()) + ": " + a.groups() + " "
                + plural(a.groups(), "group", "groups")
                + (a.resolvedUnacked() == 0 ? "" : ", " + a.resolvedUnacked() + " resolved without an ack")
                + (a.notActionable() == 0 ? "" : ", " + a.notActionable() + " marked not actionable")).toList();
    }

    /** Everyone the message would name, so their names can be looked up first. */
    static Set<String> people(TeamStats s) {
        Set<String> ids = new LinkedHashSet<>();
        top(s.pagesByPerson()).forEach(e -> ids.add(e.getKey()));
        s.onCallHours().keySet().stream().limit(PEOPLE).forEach(ids::add);
        return ids;
    }

    private static List<String> people(TeamStats s, Function<String, String> who) {
        List<String> lines = new ArrayList<>();
        if (!s.pagesByPerson().isEmpty()) {
            lines.add("*Pages by person:* " + top(s.pagesByPerson()).stream()
                    .map(e -> who.apply(e.getKey()) + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (!s.onCallHours().isEmpty()) {
            lines.add("*On call:* " + s.onCallHours().entrySet().stream().limit(PEOPLE)
                    .map(e -> who.apply(e.getKey()) + " " + hours(e.getValue())).collect(Collectors.joining(", "))
                    + (s.onCallFromSchedule() ? " (from the schedules as configured now)" : ""));
        }
        return lines;
    }

    private static <V extends Comparable<V>> List<Map.Entry<String, V>> top(Map<String, V> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, V>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(PEOPLE).toList();
    }

    private static String pair(Percentiles p) {
        return p.median().map(m -> human(m) + " / " + human(p.p90().orElseThrow())).orElse("–");
    }

    private static String target(Percentiles p, Optional<Duration> target, int inTime) {
        if (target.isEmpty() || p.count() == 0) {
            return "";
        }
        return " (" + inTime + " of " + p.count() + " within " + human(target.get()) + ")";
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        long m = d.toMinutes();
        if (m < 60) {
            return m + " m";
        }
        long h = d.toHours();
        if (h < 48) {
            return h + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " m");
        }
        return d.toDays() + " d" + (h % 24 == 0 ? "" : " " + (h % 24) + " h");
    }

    private static String hours(double h) {
        return (h == Math.rint(h) ? String.valueOf((long) h) : String.format(Locale.ROOT, "%.1f", h)) + " h";
    }

    private static String bold(boolean slack, String text) {
        return slack ? "*" + text + "*" : text;
    }

    private static String text(boolean slack, String untrusted) {
        return slack ? SlackText.escape(untrusted) : untrusted;
    }

    private static String plural(int n, String one, String many) {
        return n == 1 ? one : many;
    }
}
