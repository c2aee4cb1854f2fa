package org.opsbot.bot.incidents;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.incident.Postmortems;
import org.opsbot.commands.model.Incident;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/** The incident message in the incidents channel, and the short texts around it. */
final class IncidentMessages {
    static final String ACK = "incident.ack";
    static final String RESOLVE = "incident.resolve";
    /** Declare incident, on an alert group's message; its value is the group's id. */
    static final String DECLARE = "incident.declare";
    /**
     * The ids before they were named {@code feature.verb}. Incident and alert group messages
     * posted before then still carry them, so they stay routed.
     */
    static final Map<String, String> LEGACY_IDS = Map.of(
            "incident-ack", ACK,
            "incident-resolve", RESOLVE,
            "incident-declare-from-alert", DECLARE);

    private IncidentMessages() {
    }

    /** The incident message; updated in place as the incident changes, never reposted. */
    static SlackMessage incident(Incident i, Optional<Severity> severity) {
        return incident(i, severity, Optional.empty());
    }

    /** @param contacts the team's contacts line, shown under the incident's facts */
    static SlackMessage incident(Incident i, Optional<Severity> severity, Optional<LayoutBlock> contacts) {
        String emoji = i.open() ? (i.ackedBy().isPresent() ? ":large_orange_circle:" : ":red_circle:") : ":large_green_circle:";
        String state = i.open() ? (i.mitigatedAt().isPresent() ? "Mitigated" : i.ackedBy().isPresent() ? "Acknowledged" : "Open")
                : "Resolved";
        String headline = emoji + " *" + state + " · " + SlackText.escape(i.severity()) + " · " + SlackText.plain(i.title(), 150) + "*";
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(headline))));
        StringBuilder facts = new StringBuilder("Incident `#" + i.id() + "`");
        i.team().ifPresent(t -> facts.append(" · team *").append(SlackText.plain(t, 40)).append('*'));
        facts.append(" · commander ").append(SlackText.user(i.commander()));
        facts.append(" · declared ").append(SlackText.date(i.declaredAt()));
        i.ackedBy().ifPresent(u -> facts.append(" · acked by ").append(SlackText.user(u)).append(" after ")
                .append(Postmortems.duration(i.timeToAcknowledge().orElse(Duration.ZERO))));
        i.resolvedAt().ifPresent(at -> facts.append(" · resolved after ")
                .append(Postmortems.duration(i.timeToResolve().orElse(Duration.ZERO))));
        if (i.open() && i.ackedBy().isEmpty()) {
            severity.ifPresent(s -> facts.append(" · ack within ").append(Postmortems.duration(s.ackWithin())));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText(facts.toString())))));
        contacts.ifPresent(blocks::add);
        String id = Long.toString(i.id());
        List<BlockElement> buttons = new ArrayList<>();
        if (i.open()) {
            if (i.ackedBy().isEmpty()) {
                buttons.add(button(b -> b.actionId(ACK).text(plainText("Acknowledge")).value(id).style("primary")));
            }
            buttons.add(button(b -> b.actionId(RESOLVE).text(plainText("Resolve")).value(id)));
        }
        if (!buttons.isEmpty()) {
            blocks.add(actions(a -> a.blockId("incident-actions-" + id).elements(buttons)));
        } else {
            blocks.add(context(c -> c.elements(List.of(markdownText("Postmortem: `/ops postmortem " + id + "`")))));
        }
        String text = state + " · " + SlackText.escape(i.severity()) + " · " + SlackText.plain(i.title(), 150) + " (incident #" + i.id() + ")";
        return SlackMessage.of(text, blocks);
    }

    static ButtonElement declareButton(long groupId) {
        return button(b -> b.actionId(DECLARE).text(plainText("Declare incident")).value(Long.toString(groupId)));
    }

    /** "*#12 Checkout is slow*": how messages name an incident. */
    static String ref(Incident i) {
        return "*#" + i.id() + " " + SlackText.plain(i.title(), 80) + "*";
    }
}
