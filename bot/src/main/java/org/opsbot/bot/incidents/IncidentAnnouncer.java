package org.opsbot.bot.incidents;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.incident.Incident;
import org.opsbot.commands.incident.Incidents;

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
    }

    void declared(Incident incident) {
        Optional<String> channel = channel(incident);
        if (channel.isEmpty()) {
            return;
        }
        long id = outbox.post(channel.get(), IncidentMessages.incident(incident, incidents.severityOf(incident)));
        incidents.attachMessage(incident.id(), id);
    }

    /** Refreshes the incident message and says {@code note} in its thread. */
    void updated(Incident incident, String note) {
        Incident now = incidents.require(incident.id());
        now.messageId().ifPresent(m -> {
            outbox.update(m, IncidentMessages.incident(now, incidents.severityOf(now)));
            outbox.reply(m, SlackMessage.text(note));
        });
    }

    /** A note in the incident message's thread only (a reminder, say). */
    void note(Incident incident, String note) {
        incidents.require(incident.id()).messageId().ifPresent(m -> outbox.reply(m, SlackMessage.text(note)));
    }

    Optional<String> channel(Incident incident) {
        return incidentsChannel.or(incident::originChannel);
    }
}
