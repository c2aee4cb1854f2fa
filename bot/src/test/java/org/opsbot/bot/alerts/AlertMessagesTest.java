package org.opsbot.bot.alerts;

import org.opsbot.commands.model.Verdict;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.block.element.OverflowMenuElement;
import com.slack.api.model.block.element.StaticSelectElement;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.incidents.IncidentsFeature;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.alert.AlertNote;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AlertMessagesTest {
    static final long NOW = 1_795_000_000_000L;
    static final AlertSeverities P1 = AlertSeverities.ofGroup(Severity.DEFAULTS, Optional.of(Severity.DEFAULTS.getFirst()));
    static final AlertSeverities NONE = AlertSeverities.ofGroup(Severity.DEFAULTS, Optional.empty());

    static StoredAlertGroup group(StoredAlertGroup.State state, String ackedBy, String resolvedBy) {
        return new StoredAlertGroup(7, new StoredAlertGroup.Route("k", "ALERTMANAGER", "cdc", "#cdc-alerts",
                Map.of("alertname", "DiskFull"), "http://am:9093"), "Disk <full> & co", "P1", 25,
                new StoredAlertGroup.Lifecycle(state, ackedBy, ackedBy == null ? null : NOW, resolvedBy,
                        resolvedBy == null ? null : NOW, false), StoredAlertGroup.Mutes.NONE, 1L, NOW, NOW);
    }

    static StoredAlert alert(int i, boolean firing, String summary) {
        return new StoredAlert(7, "fp" + i, firing ? "FIRING" : "RESOLVED", NOW - 60_000, firing ? null : NOW,
                Map.of("alertname", "DiskFull", "instance", "host-" + i, "runbook", "disk-cleanup"),
                Map.of("summary", "now 12%"), Map.of("summary", summary), "http://prom:9090/graph?a=1&b=2", NOW, NOW);
    }

    private static List<LayoutBlock> blocks(SlackMessage m) {
        return m.attachments().getFirst().getBlocks();
    }

    @Test
    void aGroupOf500AlertsShowsTenLinesAndASummaryWellWithinSlacksLimits() {
        List<StoredAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            alerts.add(alert(i, i % 5 != 0, "Disk 9" + (i % 10) + "% full " + "x".repeat(400)));
        }
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.FIRING, null, null), alerts, P1, NOW,
                IncidentsFeature::declareButton);

        assertThat(blocks(m).size() + m.blocks().size()).isLessThanOrEqualTo(30);
        assertThat(blocks(m)).filteredOn(b -> b instanceof SectionBlock)
                .allSatisfy(b -> assertThat(((SectionBlock) b).getText().getText()).hasSizeLessThan(3_000));
        assertThat(m.text()).contains("[FIRING] P1 · Disk &lt;full&gt; &amp; co — 400 firing, 100 resolved");
        String all = blocks(m).toString() + m.blocks();
        assertThat(all).containsPattern("…and 4[89][0-9] more: 3[89][0-9] firing, 100 resolved").contains("FIRING · P1 · Disk ‹full› & co",
                "<http://prom:9090/graph?a=1&amp;b=2|source>", "<!date^", "Run runbook disk-cleanup", "ack within 5m",
                "Alertmanager left 25 more alerts");
    }

    @Test
    void anAlertKeepsTheValuesItFiredWithAndAResolvedGroupHasNoButtons() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.RESOLVED, null, "U0BOB00001"), List.of(alert(1, false, "fired at 97%")),
                NONE, NOW, IncidentsFeature::declareButton);
        String all = blocks(m).toString();
        assertThat(all).contains("fired at 97%", "Resolved by <@U0BOB00001>").doesNotContain("now 12%");
        // Only the Actionable? pair, which belongs to a resolved group.
        assertThat(blocks(m)).filteredOn(b -> b instanceof ActionsBlock).singleElement()
                .satisfies(b -> assertThat(((ActionsBlock) b).getBlockId()).isEqualTo("alert-actionable-7"));
        assertThat(m.attachments().getFirst().getColor()).isEqualTo("#2eb67d");
    }

    @Test
    void aResolvedGroupAsksWhetherItWasActionableAndShowsWhoAnswered() {
        StoredAlertGroup g = group(StoredAlertGroup.State.RESOLVED, null, "U0BOB00001");
        SlackMessage asked = AlertMessages.parent(g, List.of(alert(1, false, "x")), NONE, NOW, IncidentsFeature::declareButton);
        assertThat(blocks(asked).toString()).contains("Was this alert actionable?", "alert.actionable", "alert.not-actionable");

        SlackMessage answered = AlertMessages.parent(g, List.of(alert(1, false, "x")), NONE, NOW, Optional.empty(), IncidentsFeature::declareButton,
                Optional.of(new Verdict(false, "U0ALICE001", java.time.Instant.ofEpochMilli(NOW))));
        assertThat(blocks(answered).toString()).contains("Marked not actionable by <@U0ALICE001>")
                .doesNotContain("Was this alert actionable?");
    }

    @Test
    void anAcknowledgedGroupOffersUnacknowledgeAndANewAlertReplyMentionsTheAcknowledger() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.ACKNOWLEDGED, "U0ALICE001", null), List.of(alert(1, true, "x")),
                NONE, NOW, IncidentsFeature::declareButton);
        assertThat(blocks(m).toString()).contains("Unacknowledge", "Acknowledged by <@U0ALICE001>").doesNotContain("\"Acknowledge\"");

        SlackMessage reply = AlertMessages.reply(group(StoredAlertGroup.State.ACKNOWLEDGED, "U0ALICE001", null),
                List.of(new AlertNote.NewAlerts(List.of(alert(2, true, "<!channel> *boom*")), Optional.of("U0ALICE001"))), P1).orElseThrow();
        assertThat(reply.text()).startsWith("<@U0ALICE001> — you acknowledged this group; :red_circle: 1 new alert firing:")
                .contains("&lt;!channel&gt; *boom*").doesNotContain("<!channel>");
    }

    private static StoredAlert withSeverity(StoredAlert a, String severity) {
        Map<String, String> labels = new java.util.TreeMap<>(a.labels());
        labels.put("severity", severity);
        return new StoredAlert(a.groupId(), a.fingerprint(), a.status(), a.startsAt(), a.endsAt(), labels, a.annotations(),
                a.firedAnnotations(), a.generatorUrl(), a.receivedAt(), a.updatedAt());
    }

    /** critical is P1, warning P3, as a team's severity map would say. */
    private static final AlertSeverities BY_LABEL = new AlertSeverities(Severity.DEFAULTS, Optional.of(Severity.DEFAULTS.getFirst()),
            a -> Optional.ofNullable(a.labels().get("severity")).map(s -> s.equals("critical") ? "P1" : "P3")
                    .flatMap(n -> Severity.DEFAULTS.stream().filter(x -> x.name().equals(n)).findFirst()));

    private static List<ActionsBlock> actionBlocks(SlackMessage m) {
        return blocks(m).stream().filter(ActionsBlock.class::isInstance).map(ActionsBlock.class::cast).toList();
    }

    private static String sections(SlackMessage m) {
        return blocks(m).stream().filter(SectionBlock.class::isInstance).map(b -> ((SectionBlock) b).getText().getText())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void aGroupResolvedByHandWhileItsSourceFiresShowsNoFiringLinesNoSnoozeNoControlsAndSaysWhyInOneLine() {
        StoredAlertGroup g = group(StoredAlertGroup.State.RESOLVED, null, "U0BOB00001").with()
                .mutes(new StoredAlertGroup.Mutes("U0ALICE001", NOW + 3_600_000, null, null, null)).build();

        SlackMessage m = AlertMessages.parent(g, List.of(alert(1, true, "lag 12840"), alert(2, true, "lag 9000")), P1, NOW,
                IncidentsFeature::declareButton);

        String all = blocks(m).toString() + m.blocks() + m.text();
        assertThat(all).doesNotContain("firing since", "2 firing", ":red_circle:", "Snoozed", "ack within")
                .contains("Resolved by <@U0BOB00001> <!date^" + NOW / 1000 + "^", " while Alertmanager still reports 2 alerts firing;"
                        + " a new alert or a new firing episode reopens it.");
        assertThat(m.text()).startsWith("[RESOLVED] P1 · Disk &lt;full&gt; &amp; co — 2 alerts");
        assertThat(actionBlocks(m)).as("no controls, only the Actionable? pair")
                .allSatisfy(b -> assertThat(b.getBlockId()).startsWith("alert-actionable-"));
        assertThat(m.attachments().getFirst().getColor()).isEqualTo("#2eb67d");
    }

    @Test
    void aGroupResolvedAtTheSourceSaysSoWithoutTheStillFiringSentence() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.RESOLVED, null, null), List.of(alert(1, false, "x")),
                P1, NOW, IncidentsFeature::declareButton);
        assertThat(blocks(m).toString()).contains("Resolved at the source").doesNotContain("still reports");
    }

    @Test
    void eachAlertsIconFollowsItsOwnSeverityNotItsGroups() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.FIRING, null, null),
                List.of(withSeverity(alert(1, true, "critical one"), "critical"), withSeverity(alert(2, true, "warning one"), "warning")),
                BY_LABEL, NOW, IncidentsFeature::declareButton);

        assertThat(sections(m)).contains(":red_circle: critical one", ":large_yellow_circle: warning one")
                .doesNotContain(":red_circle: warning one");
        assertThat(m.attachments().getFirst().getColor()).isEqualTo("#d93025");
    }

    @Test
    void atMostFiveControlsAreInViewAndTheRestAreInAnOverflowMenuWhoseOptionsNameTheirButtons() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.FIRING, null, null), List.of(alert(1, true, "x")), P1, NOW,
                IncidentsFeature::declareButton);

        List<BlockElement> controls = actionBlocks(m).getFirst().getElements();
        assertThat(controls).hasSizeLessThanOrEqualTo(5);
        OverflowMenuElement more = controls.stream().filter(OverflowMenuElement.class::isInstance).map(OverflowMenuElement.class::cast)
                .findFirst().orElseThrow();
        assertThat(more.getActionId()).isEqualTo("alert.more");
        assertThat(more.getOptions()).hasSizeBetween(2, 5).extracting(OptionObject::getValue)
                .containsExactly("alert.escalate 7", "incident.declare 7", "alert.run 7:disk-cleanup");
        assertThat(controls).filteredOn(ButtonElement.class::isInstance).extracting(e -> ((ButtonElement) e).getActionId())
                .contains("alert.ack", "alert.resolve");
        assertThat(controls).filteredOn(StaticSelectElement.class::isInstance).extracting(e -> ((StaticSelectElement) e).getActionId())
                .containsExactly("alert.snooze", "alert.silence");
    }

    @Test
    void resolveAndSilenceAskForConfirmation() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.FIRING, null, null), List.of(alert(1, true, "x")), P1, NOW,
                IncidentsFeature::declareButton);

        List<BlockElement> controls = actionBlocks(m).getFirst().getElements();
        ButtonElement resolve = controls.stream().filter(ButtonElement.class::isInstance).map(ButtonElement.class::cast)
                .filter(b -> b.getActionId().equals("alert.resolve")).findFirst().orElseThrow();
        assertThat(resolve.getConfirm()).isNotNull();
        assertThat(resolve.getConfirm().getTitle().getText()).isEqualTo("Resolve #7?").hasSizeLessThanOrEqualTo(100);
        assertThat(resolve.getConfirm().getText().getText()).hasSizeLessThanOrEqualTo(300);
        StaticSelectElement silence = controls.stream().filter(StaticSelectElement.class::isInstance).map(StaticSelectElement.class::cast)
                .filter(b -> b.getActionId().equals("alert.silence")).findFirst().orElseThrow();
        assertThat(silence.getConfirm()).isNotNull();
        assertThat(silence.getConfirm().getStyle()).isEqualTo("danger");
    }

    @Test
    void theMessageOpensWithAHeaderAndTheLabelsOfAnAlertAreOnAContextLineNotInCodeSpans() {
        StoredAlertGroup g = group(StoredAlertGroup.State.FIRING, null, null).with().title("T".repeat(400)).build();
        SlackMessage m = AlertMessages.parent(g, List.of(alert(1, true, "x"), alert(2, true, "y")), P1, NOW,
                IncidentsFeature::declareButton);

        assertThat(m.blocks().getFirst()).isInstanceOf(HeaderBlock.class);
        assertThat(((HeaderBlock) m.blocks().getFirst()).getText().getText()).startsWith(":rotating_light: FIRING · P1 · T")
                .hasSizeLessThanOrEqualTo(150);
        assertThat(sections(m)).doesNotContain("`instance", "instance=");
        assertThat(blocks(m)).filteredOn(ContextBlock.class::isInstance)
                .anySatisfy(b -> assertThat(b.toString()).contains("instance: *host-1*"))
                .anySatisfy(b -> assertThat(b.toString()).contains("instance: *host-2*"));
    }
}
