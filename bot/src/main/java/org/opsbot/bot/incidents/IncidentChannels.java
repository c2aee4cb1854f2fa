package org.opsbot.bot.incidents;

import org.opsbot.commands.model.Subject;

import java.util.Locale;

/**
 * An incident's own channel: its name, and the purpose under which the outbox creates it
 * ({@code conversations.create}, then {@code conversations.invite}) and tells the incident:
 * the incident's subject ({@code incident:<id>}).
 */
final class IncidentChannels {
    static final String PURPOSE = Subject.Kind.INCIDENT.prefix();

    private IncidentChannels() {
    }

    static String purposeOf(long incidentId) {
        return Subject.incident(incidentId).toString();
    }

    static long incidentOf(String purpose) {
        return Subject.idOf(purpose, Subject.Kind.INCIDENT)
                .orElseThrow(() -> new IllegalArgumentException("not an incident's channel purpose: " + purpose));
    }

    /** {@code inc-12-orders-are-not-replicated}: Slack's rules (lower case, no spaces, at most 80). */
    static String nameFor(long id, String title) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String name = "inc-" + id + (slug.isEmpty() ? "" : "-" + slug);
        return name.length() > 80 ? name.substring(0, 80).replaceAll("-+$", "") : name;
    }
}
