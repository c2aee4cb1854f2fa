package org.opsbot.bot.alerts;

import com.slack.api.model.Attachment;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.alert.AlertNote;
import org.opsbot.commands.alert.GroupStates;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.StoredAlertGroup.Lifecycle;
import org.opsbot.commands.model.StoredAlertGroup.Mutes;

import com.slack.api.model.block.element.ButtonElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.staticSelect;

/**
 * The Slack side of an alert group: its parent message (state, one line per alert, buttons
 * that make sense in that state) and its thread replies. Everything that came from an alert is
 * escaped; times use {@code <!date>} so each reader sees their own zone.
 */
final class AlertMessages {
    /** Alert lines shown on the parent; the rest are summarised in one line. */
    static final int MAX_LINES = 10;
    /** Alerts listed in one thread reply; a storm's replies say "and N more". */
    static final int MAX_REPLY_LINES = 10;
    // Slack's limit for a section's text is 3,000 characters; leave room for the "and N more" line.
    private static final int SECTION_CHARS = 2_800;
    // A longer source link would crowd out the alert itself.
    private static final int MAX_LINK_CHARS = 500;

    static final String ACK = "alert.ack";
    static final String UNACK = "alert.unack";
    static final String RESOLVE = "alert.resolve";
    static final String ESCALATE = "alert.escalate";
    static final String SNOOZE = "alert.snooze";
    static final String SILENCE = "alert.silence";
    static final String UNSILENCE = "alert.unsilence";
    /** Run runbook …: runs the checks of the runbook an alert names, reporting in the thread. */
    static final String RUNBOOK = "alert.run";
    /**
     * The id the Run runbook button had before ids were named {@code feature.verb}: groups posted
     * before then still carry it, so it stays routed.
     */
    static final Map<String, String> LEGACY_IDS = Map.of("alert.runbook", RUNBOOK);

    static final List<Duration> SNOOZES = List.of(Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(1));
    static final List<Duration> SILENCES = List.of(Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(1), Duration.ofDays(7));

    // Labels every alert has or that the title already says: noise on a line.
    private static final Set<String> QUIET_LABELS = Set.of("alertname", "severity", "team", "runbook");
    private static final int KEY_LABELS = 3;

    private static final String RED = "#d93025";
    private static final String ORANGE = "#f29900";
    private static final String GREEN = "#2eb67d";
    private static final String GREY = "#9aa0a6";

    private AlertMessages() {
    }

    static SlackMessage parent(StoredAlertGroup g, List<StoredAlert> alerts, Optional<Severity> severity, long now,
                               LongFunction<ButtonElement> declare) {
        return parent(g, alerts, severity, now, Optional.empty(), declare);
    }

    /**
     * @param escalation where the group's escalation stands, shown while it is open
     * @param declare    the Declare incident button for a group: the incidents feature's, whose
     *                   ids and handler stay there, handed in when the bot is wired
     */
    static SlackMessage parent(StoredAlertGroup g, List<StoredAlert> alerts, Optional<Severity> severity, long now,
                               Optional<String> escalation, LongFunction<ButtonElement> declare) {
        long firing = alerts.stream().filter(StoredAlert::firing).count();
        String state = stateWord(g);
        String sev = severity.map(Severity::name).or(() -> Optional.ofNullable(g.severity()))
                .map(s -> SlackText.plain(s, 20) + " · ").orElse("");
        String title = SlackText.plain(g.title(), 150);

        List<LayoutBlock> blocks = new ArrayList<>();
        String headline = emoji(g) + " *" + state + " · " + sev + title + "*";
        String summary = commonSummary(alerts).map(s -> "\n" + SlackText.plain(s, 300)).orElse("");
        blocks.add(section(s -> s.text(markdownText(headline + summary))));

        String counts = firing + " firing" + (alerts.size() > firing ? ", " + (alerts.size() - firing) + " resolved" : "");
        long firstStart = alerts.stream().filter(StoredAlert::firing).mapToLong(StoredAlert::startsAt).min()
                .orElse(g.openedAt());
        String since = (firing > 0 ? "firing since " : "opened ") + SlackText.date(firing > 0 ? firstStart : g.openedAt());
        String ack = severity.filter(x -> !resolved(g)).map(x -> " · ack within " + human(x.ackWithin())).orElse("");
        blocks.add(context(c -> c.elements(List.of(markdownText("Team *" + SlackText.plain(g.route().team(), 40) + "* · " + counts
                + " · " + since + ack + " · group `" + g.id() + "`")))));

        List<StoredAlert> ordered = new ArrayList<>(alerts);
        ordered.sort((a, b) -> Boolean.compare(b.firing(), a.firing())); // firing first
        Set<String> shared = sharedLabels(alerts);
        StringBuilder lines = new StringBuilder();
        int shown = 0;
        for (StoredAlert a : ordered.subList(0, Math.min(MAX_LINES, ordered.size()))) {
            String line = line(a, g, shared);
            if (lines.length() + line.length() + 1 > SECTION_CHARS) {
                break; // Slack refuses a section over 3,000 characters; the rest is counted below
            }
            lines.append(lines.isEmpty() ? "" : "\n").append(line);
            shown++;
        }
        if (!lines.isEmpty()) {
            String text = lines.toString();
            blocks.add(section(s -> s.text(markdownText(text))));
        }
        if (ordered.size() > shown) {
            List<StoredAlert> hidden = ordered.subList(shown, ordered.size());
            long restFiring = hidden.stream().filter(StoredAlert::firing).count();
            int rest = hidden.size();
            blocks.add(context(c -> c.elements(List.of(markdownText("…and " + rest + " more: " + restFiring + " firing, "
                    + (rest - restFiring) + " resolved. `/ops alerts` lists open groups.")))));
        }
        if (g.truncatedAlerts() > 0) {
            blocks.add(context(c -> c.elements(List.of(markdownText(":warning: Alertmanager left " + g.truncatedAlerts()
                    + " more alerts of this group out of its notification (its `max_alerts`); its UI has them all.")))));
        }
        String status = statusLine(g, now);
        if (!status.isEmpty()) {
            blocks.add(context(c -> c.elements(List.of(markdownText(status)))));
        }
        if (!resolved(g)) {
            escalation.ifPresent(line -> blocks.add(context(c -> c.elements(List.of(markdownText(line))))));
        }
        List<BlockElement> buttons = buttons(g, alerts, now, declare);
        if (!buttons.isEmpty()) {
            blocks.add(actions(a -> a.blockId("alert-actions-" + g.id()).elements(buttons)));
        }

        String fallback = "[" + state + "] " + sev + title + " — " + counts + " (team " + SlackText.plain(g.route().team(), 40) + ")";
        Attachment body = Attachment.builder().color(colour(g, severity)).blocks(blocks).fallback(fallback).build();
        return new SlackMessage(fallback, List.of(), List.of(body));
    }

    /** Labels with one value across the group: they tell the alerts apart no better than the title. */
    private static Set<String> sharedLabels(List<StoredAlert> alerts) {
        if (alerts.size() < 2) {
            return Set.of();
        }
        Map<String, String> first = alerts.getFirst().labels();
        return first.keySet().stream()
                .filter(k -> alerts.stream().allMatch(a -> first.get(k).equals(a.labels().get(k))))
                .collect(Collectors.toSet());
    }

    private static String line(StoredAlert a, StoredAlertGroup g, Set<String> shared) {
        Map<String, String> shown = a.firedAnnotations();
        String summary = Optional.ofNullable(shown.get("summary")).or(() -> Optional.ofNullable(shown.get("description")))
                .or(() -> Optional.ofNullable(shown.get("message")))
                .orElse(a.labels().getOrDefault("alertname", a.fingerprint()));
        String keys = a.labels().entrySet().stream()
                .filter(e -> !QUIET_LABELS.contains(e.getKey()) && !g.route().groupLabels().containsKey(e.getKey())
                        && !shared.contains(e.getKey()))
                .limit(KEY_LABELS)
                .map(e -> SlackText.code(e.getKey() + "=" + e.getValue(), 60))
                .collect(Collectors.joining(" "));
        String values = Optional.ofNullable(shown.get("values")).map(v -> " · " + SlackText.plain(v, 80)).orElse("");
        String link = a.generatorUrl() == null || a.generatorUrl().length() > MAX_LINK_CHARS ? "" : " · " + SlackText.link(a.generatorUrl(), "source");
        String when = a.firing() ? " · since " + SlackText.date(a.startsAt())
                : " · resolved " + (a.endsAt() == null ? "" : SlackText.date(a.endsAt()));
        String shownSummary = a.firing() ? SlackText.plain(summary, 150) : "~" + SlackText.plain(summary, 150) + "~";
        String mark = a.firing() ? ":red_circle:" : ":large_green_circle:";
        return mark + " " + shownSummary + values + (keys.isEmpty() ? "" : " " + keys) + when + link;
    }

    private static String statusLine(StoredAlertGroup g, long now) {
        List<String> parts = new ArrayList<>();
        Lifecycle l = g.lifecycle();
        if (resolved(g)) {
            parts.add(":white_check_mark: Resolved " + (l.resolvedBy() == null ? "at the source" : "by " + SlackText.user(l.resolvedBy()))
                    + (l.resolvedAt() == null ? "" : " " + SlackText.date(l.resolvedAt())));
        } else if (l.ackedBy() != null) {
            parts.add(":eyes: Acknowledged by " + SlackText.user(l.ackedBy()) + (l.ackedAt() == null ? "" : " " + SlackText.date(l.ackedAt())));
        }
        Mutes m = g.mutes();
        if (m.snoozedUntil() != null && m.snoozedUntil() > now) {
            parts.add(":zzz: Snoozed by " + SlackText.user(m.snoozedBy()) + " until " + SlackText.date(m.snoozedUntil()));
        }
        if (m.silenceId() != null && m.silencedUntil() != null && m.silencedUntil() > now) {
            parts.add(":mute: Silenced in Alertmanager by " + SlackText.user(m.silencedBy()) + " until " + SlackText.date(m.silencedUntil()));
        }
        return String.join("  ·  ", parts);
    }

    private static List<BlockElement> buttons(StoredAlertGroup g, List<StoredAlert> alerts, long now,
                                              LongFunction<ButtonElement> declare) {
        if (resolved(g)) {
            return List.of();
        }
        String id = Long.toString(g.id());
        List<BlockElement> out = new ArrayList<>();
        if (g.lifecycle().ackedBy() == null) {
            out.add(button(b -> b.actionId(ACK).text(plainText("Acknowledge")).value(id).style("primary")));
        } else {
            out.add(button(b -> b.actionId(UNACK).text(plainText("Unacknowledge")).value(id)));
        }
        out.add(button(b -> b.actionId(RESOLVE).text(plainText("Resolve")).value(id)));
        out.add(button(b -> b.actionId(ESCALATE).text(plainText("Escalate")).value(id)));
        out.add(declare.apply(g.id()));
        out.add(staticSelect(s -> s.actionId(SNOOZE).placeholder(plainText("Snooze…")).options(options(id, SNOOZES))));
        if (GroupStates.maySilence(g).allowed()) {
            out.add(staticSelect(s -> s.actionId(SILENCE).placeholder(plainText("Silence…")).options(options(id, SILENCES))));
        }
        runbook(alerts).ifPresent(name -> out.add(button(b -> b.actionId(RUNBOOK)
                .text(plainText(SlackText.label("Run runbook " + name, 75))).value(id + ":" + name))));
        return out;
    }

    private static List<OptionObject> options(String id, List<Duration> durations) {
        return durations.stream().map(d -> option(plainText(human(d)), id + ":" + d)).toList();
    }

    /** The runbook an alert names (a {@code runbook} label or annotation), if any. */
    static Optional<String> runbook(List<StoredAlert> alerts) {
        return alerts.stream()
                .map(a -> Optional.ofNullable(a.labels().get("runbook")).orElse(a.firedAnnotations().get("runbook")))
                .filter(r -> r != null && r.matches("[A-Za-z0-9._-]{1,100}"))
                .findFirst();
    }

    /** One reply for everything a change tells, so a storm does not flood the thread. */
    static Optional<SlackMessage> reply(StoredAlertGroup g, List<AlertNote> notes) {
        List<String> parts = new ArrayList<>();
        for (AlertNote note : notes) {
            parts.add(switch (note) {
                case AlertNote.NewAlerts n -> n.ackedBy().map(u -> SlackText.user(u) + " — you acknowledged this group; ").orElse("")
                        + ":red_circle: " + count(n.alerts().size(), "new alert") + " firing:" + list(n.alerts(), g);
                case AlertNote.AlertsResolved r -> ":large_green_circle: " + count(r.alerts().size(), "alert")
                        + " resolved at the source:" + list(r.alerts(), g);
                case AlertNote.ResolvedAtSource r -> ":white_check_mark: Every alert has resolved at the source: the group is resolved.";
                case AlertNote.Reopened r -> ":rotating_light: *Reopened*: a new firing episode started." + list(r.alerts(), g);
                case AlertNote.StillFiringAtSource s -> ":warning: Still firing at the source. " + SlackText.user(s.resolvedBy())
                        + " resolved it here, so it stays resolved until a new episode starts.";
                case AlertNote.Acknowledged a -> ":eyes: " + SlackText.user(a.by()) + " acknowledged.";
                case AlertNote.Unacknowledged u -> ":leftwards_arrow_with_hook: " + SlackText.user(u.by()) + " took back the acknowledgement.";
                case AlertNote.ResolvedByHand r -> ":white_check_mark: " + SlackText.user(r.by()) + " resolved it.";
                case AlertNote.Snoozed s -> ":zzz: " + SlackText.user(s.by()) + " snoozed it until " + SlackText.date(s.until().toEpochMilli())
                        + ": nothing new is posted here until then.";
                case AlertNote.SnoozeEnded s -> ":alarm_clock: The snooze has ended.";
                case AlertNote.Silenced s -> ":mute: " + SlackText.user(s.by()) + " silenced it in Alertmanager until "
                        + SlackText.date(s.until().toEpochMilli()) + " (silence `" + SlackText.plain(s.silenceId(), 64) + "`).";
                case AlertNote.SilenceEnded s -> s.removedBy().map(u -> ":loud_sound: " + SlackText.user(u) + " expired the silence.")
                        .orElse(":loud_sound: The silence has ended.");
                case AlertNote.Note n -> SlackText.user(n.by()) + ": " + SlackText.escape(n.text());
            });
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String text = String.join("\n", parts);
        List<LayoutBlock> blocks = new ArrayList<>();
        for (String part : parts) {
            blocks.add(section(s -> s.text(markdownText(SlackText.fit(part, 2_900)))));
        }
        notes.stream().filter(n -> n instanceof AlertNote.Silenced).findFirst().ifPresent(n -> blocks.add(actions(a -> a
                .elements(List.of(button(b -> b.actionId(UNSILENCE).text(plainText("Expire silence")).value(Long.toString(g.id()))))))));
        return Optional.of(SlackMessage.of(SlackText.fit(text, 3_000), blocks));
    }

    private static String list(List<StoredAlert> alerts, StoredAlertGroup g) {
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (StoredAlert a : alerts.subList(0, Math.min(MAX_REPLY_LINES, alerts.size()))) {
            String line = line(a, g, Set.of());
            if (s.length() + line.length() + 1 > SECTION_CHARS - 200) {
                break;
            }
            s.append("\n").append(line);
            shown++;
        }
        if (alerts.size() > shown) {
            s.append("\n…and ").append(alerts.size() - shown).append(" more.");
        }
        return s.toString();
    }

    private static Optional<String> commonSummary(List<StoredAlert> alerts) {
        Set<String> summaries = alerts.stream().map(a -> a.firedAnnotations().get("summary")).collect(Collectors.toSet());
        return summaries.size() == 1 && alerts.size() > 1 ? Optional.ofNullable(summaries.iterator().next()) : Optional.empty();
    }

    private static String stateWord(StoredAlertGroup g) {
        if (resolved(g)) {
            return "RESOLVED";
        }
        return g.lifecycle().ackedBy() != null ? "ACKNOWLEDGED" : "FIRING";
    }

    private static String emoji(StoredAlertGroup g) {
        return switch (stateWord(g)) {
            case "RESOLVED" -> ":white_check_mark:";
            case "ACKNOWLEDGED" -> ":eyes:";
            default -> ":rotating_light:";
        };
    }

    private static String colour(StoredAlertGroup g, Optional<Severity> severity) {
        if (resolved(g)) {
            return GREEN;
        }
        if (g.lifecycle().ackedBy() != null) {
            return ORANGE;
        }
        if (g.mutes().snoozedUntil() != null || g.mutes().silenceId() != null) {
            return GREY;
        }
        return severity.flatMap(Severity::colour).orElse(RED);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    static String human(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + "m";
        }
        return d.toSeconds() + "s";
    }

    private static boolean resolved(StoredAlertGroup g) {
        return g.state() == StoredAlertGroup.State.RESOLVED;
    }
}
