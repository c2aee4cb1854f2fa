package org.opsbot.commands.model;

import java.time.Instant;

/**
 * "{@code user} takes {@code schedule} from {@code from} until {@code until}", as set with
 * {@code /ops override}. When overrides overlap, the one created last wins.
 *
 * @param createdBy who set it (a Slack user id), for the audit and the on-call answer
 */
public record OnCallOverride(long id, String schedule, String user, Instant from, Instant until, String createdBy,
                             Instant createdAt) {

    public OnCallOverride {
        if (!until.isAfter(from)) {
            throw new IllegalArgumentException("an override must end after it starts");
        }
    }

    public boolean covers(Instant at) {
        return !at.isBefore(from) && at.isBefore(until);
    }
}
