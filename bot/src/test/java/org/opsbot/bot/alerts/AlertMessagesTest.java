package org.opsbot.bot.alerts;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
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
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.FIRING, null, null), alerts, Optional.of(Severity.DEFAULTS.getFirst()), NOW,
                IncidentsFeature::declareButton);

        assertThat(blocks(m)).hasSizeLessThan(10);
        assertThat(blocks(m)).filteredOn(b -> b instanceof SectionBlock)
                .allSatisfy(b -> assertThat(((SectionBlock) b).getText().getText()).hasSizeLessThan(3_000));
        assertThat(m.text()).contains("[FIRING] P1 · Disk &lt;full&gt; &amp; co — 400 firing, 100 resolved");
        String all = blocks(m).toString();
        assertThat(all).containsPattern("…and 4[89][0-9] more: 3[89][0-9] firing, 100 resolved").contains("Disk &lt;full&gt; &amp; co",
                "<http://prom:9090/graph?a=1&amp;b=2|source>", "<!date^", "Run runbook disk-cleanup", "ack within 5m",
                "Alertmanager left 25 more alerts");
    }

    @Test
    void anAlertKeepsTheValuesItFiredWithAndAResolvedGroupHasNoButtons() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.RESOLVED, null, "U0BOB00001"), List.of(alert(1, false, "fired at 97%")),
                Optional.empty(), NOW, IncidentsFeature::declareButton);
        String all = blocks(m).toString();
        assertThat(all).contains("fired at 97%", "Resolved by <@U0BOB00001>").doesNotContain("now 12%");
        assertThat(blocks(m)).noneMatch(b -> b instanceof ActionsBlock);
        assertThat(m.attachments().getFirst().getColor()).isEqualTo("#2eb67d");
    }

    @Test
    void anAcknowledgedGroupOffersUnacknowledgeAndANewAlertReplyMentionsTheAcknowledger() {
        SlackMessage m = AlertMessages.parent(group(StoredAlertGroup.State.ACKNOWLEDGED, "U0ALICE001", null), List.of(alert(1, true, "x")),
                Optional.empty(), NOW, IncidentsFeature::declareButton);
        assertThat(blocks(m).toString()).contains("Unacknowledge", "Acknowledged by <@U0ALICE001>").doesNotContain("\"Acknowledge\"");

        SlackMessage reply = AlertMessages.reply(group(StoredAlertGroup.State.ACKNOWLEDGED, "U0ALICE001", null),
                List.of(new AlertNote.NewAlerts(List.of(alert(2, true, "<!channel> *boom*")), Optional.of("U0ALICE001")))).orElseThrow();
        assertThat(reply.text()).startsWith("<@U0ALICE001> — you acknowledged this group; :red_circle: 1 new alert firing:")
                .contains("&lt;!channel&gt; *boom*").doesNotContain("<!channel>");
    }
}
