package org.opsbot.bot.alerts;

import org.opsbot.commands.model.Verdict;

import com.slack.api.model.Attachment;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.ConfirmDialog;
import org.opsbot.bot.slack.ops.OverflowMenu;
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
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.staticSelect;

/**
 * The Slack side of an alert group: its parent message (a header with its state, one short line
 * per alert, the controls that make sense in that state, as {@link GroupStates#shown} decides)
 * and its thread replies. Everything that came from an alert is
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
    /** The overflow menu ("⋯") of the controls that do not fit in view; each option is one of the buttons above. */
    static final String MORE = "alert.more";
    /** Yes / No on a resolved group: was it worth a page? The answers feed the noisiest alerts of {@code /ops stats}. */
    static final String ACTIONABLE = "alert.actionable";
    static final String NOT_ACTIONABLE = "alert.not-actionable";
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

    private static final String GREEN = "#2eb67d";
    private static final String GREY = "#9aa0a6";

    private AlertMessages() {
    }

    static SlackMessage parent(StoredAlertGroup g, List<StoredAlert> alerts, AlertSeverities severities, long now,
                               LongFunction<ButtonElement> declare) {
        return parent(g, alerts, severities, now, Optional.empty(), declare);
    }

    /**
     * What the message shows follows {@link GroupStates#shown}: the state in the header, live
     * alert lines, mutes and controls only while they apply.
     *
     * @param escalation where the group's escalation stands, shown while it is open
     * @param declare    the Declare incident button for a group: the incidents feature's, whose
     *                   ids and handler stay there, handed in when the bot is wired
     */
    static SlackMessage parent(StoredAlertGroup g, List<StoredAlert> alerts, AlertSeverities severities, long now,
                               Optional<String> escalation, LongFunction<ButtonElement> declare) {
        return parent(g, alerts, severities, now, escalation, declare, Optional.empty());
    }

    /** @param verdict the answer to "Actionable?" once someone gave it; asked only of a resolved group */
    static SlackMessage parent(StoredAlertGroup g, List<StoredAlert> alerts, AlertSeverities severities, long now,
                               Optional<String> escalation, LongFunction<ButtonElement> declare,
                               Optional<Verdict> verdict) {
        int firing = (int) alerts.stream().filter(StoredAlert::firing).count();
        GroupStates.Shown shown = GroupStates.shown(g, firing, now);
        boolean open = shown.state() != StoredAlertGroup.State.RESOLVED;
        String state = shown.state().name();
        Optional<Severity> severity = severities.group();
        String sev = severity.map(Severity::name).or(() -> Optional.ofNullable(g.severity()))
                .map(s -> SlackText.label(s, 20) + " · ").orElse("");
        String header = SlackText.label(emoji(shown.state()) + " " + state + " · " + sev + g.title(), 150);

        List<LayoutBlock> blocks = new ArrayList<>();
        commonSummary(alerts).ifPresent(s -> blocks.add(section(b -> b.text(markdownText(SlackText.plain(s, 300))))));

        String counts = open ? firing + " firing" + (alerts.size() > firing ? ", " + (alerts.size() - firing) + " resolved" : "")
                : count(alerts.size(), "alert");
        long firstStart = alerts.stream().filter(StoredAlert::firing).mapToLong(StoredAlert::startsAt).min()
                .orElse(g.openedAt());
        String since = open && firing > 0 ? "firing since " + SlackText.date(firstStart) : "opened " + SlackText.date(g.openedAt());
        String ack = open ? severity.map(x -> " · ack within " + human(x.ackWithin())).orElse("") : "";
        blocks.add(context(c -> c.elements(List.of(markdownText("Team *" + SlackText.plain(g.route().team(), 40) + "* · " + counts
                + " · " + since + ack + " · group `" + g.id() + "`")))));

        List<StoredAlert> ordered = new ArrayList<>(alerts);
        ordered.sort((a, b) -> Boolean.compare(b.firing(), a.firing())); // firing first
        Set<String> shared = sharedLabels(alerts);
        int listed = 0;
        for (StoredAlert a : ordered.subList(0, Math.min(MAX_LINES, ordered.size()))) {
            blocks.add(section(b -> b.text(markdownText(line(a, shown.alertsLive(), severities)))));
            labels(a, g, shared).ifPresent(l -> blocks.add(context(c -> c.elements(List.of(markdownText(l))))));
            listed++;
        }
        if (ordered.size() > listed) {
            List<StoredAlert> hidden = ordered.subList(listed, ordered.size());
            long restFiring = hidden.stream().filter(StoredAlert::firing).count();
            int rest = hidden.size();
            String more = open ? restFiring + " firing, " + (rest - restFiring) + " resolved" : count(rest, "alert");
            blocks.add(context(c -> c.elements(List.of(markdownText("…and " + rest + " more: " + more
                    + ". `/ops alerts` lists open groups.")))));
        }
        if (g.truncatedAlerts() > 0 && open) {
            blocks.add(context(c -> c.elements(List.of(markdownText(":warning: Alertmanager left " + g.truncatedAlerts()
                    + " more alerts of this group out of its notification (its `max_alerts`); its UI has them all.")))));
        }
        for (String status : statusLines(g, shown)) {
            blocks.add(context(c -> c.elements(List.of(markdownText(status)))));
        }
        if (open) {
            escalation.ifPresent(line -> blocks.add(context(c -> c.elements(List.of(markdownText(line))))));
        }
        List<BlockElement> controls = controls(g, shown, alerts, declare);
        if (!controls.isEmpty()) {
            blocks.add(actions(a -> a.blockId("alert-actions-" + g.id()).elements(controls)));
        }
        if (!open) {
            blocks.addAll(actionable(g.id(), verdict));
        }

        String fallback = "[" + state + "] " + SlackText.escape(sev) + SlackText.plain(g.title(), 150) + " — " + counts
                + " (team " + SlackText.plain(g.route().team(), 40) + ")";
        String colour = !open ? GREEN : shown.snoozedUntil().isPresent() || shown.silencedUntil().isPresent() ? GREY : severities.colour();
        Attachment body = Attachment.builder().color(colour).blocks(blocks).fallback(fallback).build();
        return new SlackMessage(fallback, List.of(header(h -> h.text(plainText(pt -> pt.text(header).emoji(true))))), List.of(body));
    }

    /**
     * "Was this worth a page?" under a resolved group: Yes / No, then who answered; the buttons
     * stay so the answer can be changed (the last one counts).
     */
    private static List<LayoutBlock> actionable(long id, Optional<Verdict> verdict) {
        String question = verdict.map(v -> (v.actionable() ? ":thumbsup: Marked actionable" : ":thumbsdown: Marked not actionable")
                + " by " + SlackText.user(v.by()) + " · counts in `/ops stats`").orElse("Was this alert actionable? The answer"
                + " feeds the noisiest alerts of `/ops stats`.");
        return List.of(context(c -> c.elements(List.of(markdownText(question)))),
                actions(a -> a.blockId("alert-actionable-" + id).elements(List.of(
                        button(b -> b.actionId(ACTIONABLE).text(plainText("Actionable")).value(Long.toString(id))),
                        button(b -> b.actionId(NOT_ACTIONABLE).text(plainText("Not actionable")).value(Long.toString(id)))))));
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

    /**
     * One alert in one short line: its icon, what it says with the values it fired with, since
     * when, and a link to its source. Its labels go on a context line of their own ({@link #labels}).
     *
     * @param live whether the group is open: in a resolved group no line is shown as firing
     */
    private static String line(StoredAlert a, boolean live, AlertSeverities severities) {
        Map<String, String> said = a.firedAnnotations();
        String summary = Optional.ofNullable(said.get("summary")).or(() -> Optional.ofNullable(said.get("description")))
                .or(() -> Optional.ofNullable(said.get("message")))
                .orElse(a.labels().getOrDefault("alertname", a.fingerprint()));
        String values = Optional.ofNullable(said.get("values")).map(v -> " · " + SlackText.plain(v, 80)).orElse("");
        String link = a.generatorUrl() == null || a.generatorUrl().length() > MAX_LINK_CHARS ? "" : " · " + SlackText.link(a.generatorUrl(), "source");
        if (!a.firing()) {
            return ":large_green_circle: ~" + SlackText.plain(summary, 150) + "~" + values + " · resolved "
                    + (a.endsAt() == null ? "" : SlackText.date(a.endsAt())) + link;
        }
        if (!live) {
            return ":white_circle: " + SlackText.plain(summary, 150) + values + link;
        }
        return severities.icon(a) + " " + SlackText.plain(summary, 150) + values + " · since " + SlackText.date(a.startsAt()) + link;
    }

    /** The labels that tell an alert apart from the others of its group, as a context line. */
    private static Optional<String> labels(StoredAlert a, StoredAlertGroup g, Set<String> shared) {
        String keys = a.labels().entrySet().stream()
                .filter(e -> !QUIET_LABELS.contains(e.getKey()) && !g.route().groupLabels().containsKey(e.getKey())
                        && !shared.contains(e.getKey()))
                .limit(KEY_LABELS)
                .map(e -> SlackText.plain(e.getKey(), 40) + ": *" + SlackText.plain(e.getValue(), 60) + "*")
                .collect(Collectors.joining(" · "));
        return keys.isEmpty() ? Optional.empty() : Optional.of(keys);
    }

    /** Who moved the group where it stands, and the mutes in effect: only those {@link GroupStates.Shown} lets show. */
    private static List<String> statusLines(StoredAlertGroup g, GroupStates.Shown shown) {
        List<String> parts = new ArrayList<>();
        Lifecycle l = g.lifecycle();
        Mutes m = g.mutes();
        if (shown.state() == StoredAlertGroup.State.RESOLVED) {
            String when = l.resolvedAt() == null ? "" : " " + SlackText.date(l.resolvedAt());
            if (l.resolvedBy() == null) {
                parts.add(":white_check_mark: Resolved at the source" + when + ".");
            } else if (shown.firingAtSource() > 0) {
                parts.add(":white_check_mark: Resolved by " + SlackText.user(l.resolvedBy()) + when + " while " + sourceName(g)
                        + " still reports " + count(shown.firingAtSource(), "alert") + " firing; a new alert or a new firing"
                        + " episode reopens it.");
            } else {
                parts.add(":white_check_mark: Resolved by " + SlackText.user(l.resolvedBy()) + when + ".");
            }
        } else if (shown.state() == StoredAlertGroup.State.ACKNOWLEDGED && l.ackedBy() != null) {
            parts.add(":eyes: Acknowledged by " + SlackText.user(l.ackedBy()) + (l.ackedAt() == null ? "" : " " + SlackText.date(l.ackedAt())));
        }
        shown.snoozedUntil().ifPresent(until -> parts.add(":zzz: Snoozed by " + SlackText.user(m.snoozedBy()) + " until " + SlackText.date(until)));
        shown.silencedUntil().ifPresent(until -> parts.add(":mute: Silenced in Alertmanager by " + SlackText.user(m.silencedBy())
                + " until " + SlackText.date(until)));
        return parts.isEmpty() ? List.of() : List.of(String.join("  ·  ", parts));
    }

    /** The name a person knows the group's source by. */
    private static String sourceName(StoredAlertGroup g) {
        return switch (g.route().source()) {
            case "ALERTMANAGER" -> "Alertmanager";
            case "GRAFANA" -> "Grafana";
            default -> "its source";
        };
    }

    /**
     * The controls {@link GroupStates.Shown} offers, at most {@link OverflowMenu#MAX_IN_VIEW} in
     * view: Acknowledge, Resolve, Snooze and Silence stay in view (Resolve and Silence ask to be
     * confirmed, which an overflow menu can do only for all its options at once); Escalate,
     * Declare incident and Run runbook fold into the overflow menu when they do not fit.
     */
    private static List<BlockElement> controls(StoredAlertGroup g, GroupStates.Shown shown, List<StoredAlert> alerts,
                                               LongFunction<ButtonElement> declare) {
        Set<GroupStates.Offer> offers = shown.offers();
        String id = Long.toString(g.id());
        List<BlockElement> kept = new ArrayList<>();
        if (offers.contains(GroupStates.Offer.ACKNOWLEDGE)) {
            kept.add(button(b -> b.actionId(ACK).text(plainText("Acknowledge")).value(id).style("primary")));
        }
        if (offers.contains(GroupStates.Offer.UNACKNOWLEDGE)) {
            kept.add(button(b -> b.actionId(UNACK).text(plainText("Unacknowledge")).value(id)));
        }
        if (offers.contains(GroupStates.Offer.RESOLVE)) {
            kept.add(button(b -> b.actionId(RESOLVE).text(plainText("Resolve")).value(id).confirm(ConfirmDialog.of("Resolve #" + g.id() + "?",
                    "Resolves " + SlackText.label(g.title(), 100) + " by hand and stops its escalation. A new alert or a new"
                            + " firing episode from its source reopens it.", "Resolve", false))));
        }
        if (offers.contains(GroupStates.Offer.SNOOZE)) {
            kept.add(staticSelect(s -> s.actionId(SNOOZE).placeholder(plainText("Snooze…")).options(options(id, SNOOZES))));
        }
        if (offers.contains(GroupStates.Offer.SILENCE)) {
            kept.add(staticSelect(s -> s.actionId(SILENCE).placeholder(plainText("Silence…")).options(options(id, SILENCES))
                    .confirm(ConfirmDialog.of("Silence in Alertmanager?", "Creates a silence in Alertmanager for this group's alerts:"
                            + " nobody is notified of them, here or by any other receiver, until it ends.", "Silence", true))));
        }
        List<ButtonElement> folded = new ArrayList<>();
        if (offers.contains(GroupStates.Offer.ESCALATE)) {
            folded.add(button(b -> b.actionId(ESCALATE).text(plainText("Escalate")).value(id)));
        }
        if (offers.contains(GroupStates.Offer.DECLARE_INCIDENT)) {
            folded.add(declare.apply(g.id()));
        }
        if (offers.contains(GroupStates.Offer.RUN_RUNBOOK)) {
            runbook(alerts).ifPresent(name -> folded.add(button(b -> b.actionId(RUNBOOK)
                    .text(plainText(SlackText.label("Run runbook " + name, 75))).value(id + ":" + name))));
        }
        return OverflowMenu.fit(MORE, kept, folded);
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
    static Optional<SlackMessage> reply(StoredAlertGroup g, List<AlertNote> notes, AlertSeverities severities) {
        List<String> parts = new ArrayList<>();
        for (AlertNote note : notes) {
            parts.add(switch (note) {
                case AlertNote.NewAlerts n -> n.ackedBy().map(u -> SlackText.user(u) + " — you acknowledged this group; ").orElse("")
                        + severities.icon(n.alerts()) + " " + count(n.alerts().size(), "new alert") + " firing:" + list(n.alerts(), g, severities);
                case AlertNote.AlertsResolved r -> ":large_green_circle: " + count(r.alerts().size(), "alert")
                        + " resolved at the source:" + list(r.alerts(), g, severities);
                case AlertNote.ResolvedAtSource r -> ":white_check_mark: Every alert has resolved at the source: the group is resolved.";
                case AlertNote.Reopened r -> ":rotating_light: *Reopened*: a new firing episode started." + list(r.alerts(), g, severities);
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

    private static String list(List<StoredAlert> alerts, StoredAlertGroup g, AlertSeverities severities) {
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (StoredAlert a : alerts.subList(0, Math.min(MAX_REPLY_LINES, alerts.size()))) {
            String line = line(a, true, severities) + labels(a, g, Set.of()).map(l -> " — " + l).orElse("");
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

    private static String emoji(StoredAlertGroup.State state) {
        return switch (state) {
            case RESOLVED -> ":white_check_mark:";
            case ACKNOWLEDGED -> ":eyes:";
            case FIRING -> ":rotating_light:";
        };
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
}
