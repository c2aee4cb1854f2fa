package org.opsbot.bot.incidents;

import org.opsbot.bot.outbox.ChannelListener;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.Incident;

import org.opsbot.bot.oncall.ContactsText;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The incident message: posted once to the incidents channel (or, when none is configured, where
 * the incident was declared), then updated in place; what happens is a reply in its thread.
 */
final class IncidentAnnouncer {
    private final Incidents incidents;
    private final Outbox outbox;
    private final Optional<String> incidentsChannel;
    IncidentAnnouncer(Incidents incidents, Outbox outbox, Optional<String> incidentsChannel) {
        this.incidents = incidents;
        this.outbox = outbox;
        this.incidentsChannel = incidentsChannel;
        outbox.onChannels(IncidentChannels.PURPOSE, new ChannelListener() {
            @Override
            public void created(String purpose, String channelId) {
                channelOpened(incidents.require(IncidentChannels.incidentOf(purpose)), channelId);
            }

            @Override
            public void failed(String purpose, String reason) {
                Incident incident = incidents.require(IncidentChannels.incidentOf(purpose));
                note(incident, ":warning: Could not create " + SlackText.escape("#" + IncidentChannels.nameFor(incident.id(), incident.title())
                        + " (" + reason + ")") + "; the incident stays here.");
            }
        });
    }

    void declared(Incident incident) {
        Optional<String> channel = channel(incident);
        if (channel.isEmpty()) {
            return;
        }
        long id = outbox.post(channel.get(), IncidentMessages.incident(incident, incidents.severityOf(incident), contacts(incident)));
        incidents.attachMessage(incident.id(), id);
        if (incidents.config().slack().incidentChannels()) {
            // Through the outbox: made once Slack can be reached, however long that takes.
            outbox.createChannel(IncidentChannels.nameFor(incident.id(), incident.title()), people(incident),
                    IncidentChannels.purposeOf(incident.id()));
        }
    }

    /**
     * The incident's own channel exists: the incident records it and both channels say so. Run
     * again when one of these writes failed: the first message is once-only, and the note, last,
     * is only written when all else was.
     */
    private void channelOpened(Incident incident, String channelId) {
        incidents.attachChannel(incident.id(), channelId);
        outbox.postOnce("incident-channel-intro:" + incident.id(), channelId, SlackMessage.text(":rotating_light: This channel is for "
                + IncidentMessages.ref(incident) + " (" + SlackText.escape(incident.severity()) + "). Commander: "
                + SlackText.user(incident.commander()) + ". Commands typed here need no id, e.g. "
                + SlackText.code("/ops incident update <text>") + "."));
        note(incident, ":speech_balloon: Working channel: " + SlackText.channel(channelId));
    }

    private List<String> people(Incident incident) {
        LinkedHashSet<String> people = new LinkedHashSet<>();
        people.add(incident.commander());
        incident.team().map(t -> incidents.config().teams().get(t)).flatMap(t -> t.responders())
                .map(role -> incidents.config().roles().getOrDefault(role, List.of())).orElse(List.of()).stream()
                .filter(member -> member.matches("[UW][A-Z0-9]+")) // user groups are not invited one by one
                .forEach(people::add);
        return new ArrayList<>(people);
    }

    /** The team's contacts line, while the incident is open: whom to call is what its people look for. */
    private Optional<com.slack.api.model.block.LayoutBlock> contacts(Incident incident) {
        return incident.open() ? ContactsText.contextBlock(incidents.config(), incident.team()) : Optional.empty();
    }

    /** Refreshes the incident message and says {@code note} (mrkdwn) in its thread. */
    void updated(Incident incident, String note) {
        Incident now = incidents.require(incident.id());
        now.messageId().ifPresent(m -> {
            outbox.update(m, IncidentMessages.incident(now, incidents.severityOf(now), contacts(now)));
            outbox.reply(m, SlackMessage.text(note));
        });
    }

    /** A note (mrkdwn) in the incident message's thread only (a reminder, say). */
    void note(Incident incident, String note) {
        incidents.require(incident.id()).messageId().ifPresent(m -> outbox.reply(m, SlackMessage.text(note)));
    }

    Optional<String> channel(Incident incident) {
        return incidentsChannel.or(incident::originChannel);
    }
}
