package org.opsbot.commands.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One alert as a source sent it, normalised.
 *
 * @param startsAt     absent for generic alerts that do not say when they started: the stored
 *                     episode then continues while the alert fires
 * @param generatorUrl a link to the alert at its source, if any
 */
public record IncomingAlert(String fingerprint, boolean firing, Optional<Instant> startsAt, Optional<Instant> endsAt,
                           Map<String, String> labels, Map<String, String> annotations,
                           Optional<String> generatorUrl) {

    public IncomingAlert {
        // The parser rejects such alerts; a time the store cannot hold must never reach a transaction.
        if (startsAt.isPresent() && !AlertTime.inRange(startsAt.get()) || endsAt.isPresent() && !AlertTime.inRange(endsAt.get())) {
            throw new IllegalArgumentException("alert " + fingerprint + ": a time outside "
                    + AlertTime.EARLIEST + " … " + AlertTime.LATEST);
        }
        labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        annotations = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(annotations));
    }
}
