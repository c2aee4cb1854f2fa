package org.opsbot.commands.model;

import java.time.Instant;
import java.util.OptionalInt;

/** One thing an escalation did, for the subject's thread, its history and the postmortem. */
public record WalkEvent(String subject, Instant at, Kind kind, OptionalInt tier, String detail) {

    public enum Kind {
        OPENED, NOTIFIED, UNREACHABLE, PASSED_OVER, ESCALATED, ACKNOWLEDGED, UNACKNOWLEDGED, REOPENED, REPEATED,
        ENDED, STOPPED
    }

    public static WalkEvent of(Walk walk, Instant at, Kind kind, int tier, String detail) {
        return new WalkEvent(walk.subject(), at, kind, tier < 0 ? OptionalInt.empty() : OptionalInt.of(tier), detail);
    }
}
