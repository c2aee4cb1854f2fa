package org.opsbot.commands.model;

import java.util.Map;

/**
 * One alert (a fingerprint) of a group as stored.
 *
 * @param status           FIRING or RESOLVED
 * @param annotations      as last received
 * @param firedAnnotations as last received while firing: the values it fired with
 */
public record StoredAlert(
        long groupId,
        String fingerprint,
        String status,
        long startsAt,
        Long endsAt,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, String> firedAnnotations,
        String generatorUrl,
        long receivedAt,
        long updatedAt) {

    public StoredAlert {
        labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        annotations = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(annotations));
        firedAnnotations = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(firedAnnotations));
    }

    public boolean firing() {
        return "FIRING".equals(status);
    }
}
