package org.opsbot.commands.escalation;

import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.model.CoverRequest;
import org.opsbot.commands.store.CoverRequestStore;
import org.opsbot.commands.store.Database;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Cover requests: a member of a schedule asks for someone to take a span of it; the first other
 * member who takes it is put on call there by an override ({@link Overrides}, audited as such).
 * A request stays open until its span is over; of two takes only one wins, in the database.
 */
public final class CoverRequests {
    private final CoverRequestStore store;
    private final Overrides overrides;
    private final AuditLog audit;
    private final Clock clock;

    public CoverRequests(Database db, Overrides overrides, AuditLog audit, Clock clock) {
        this.store = new CoverRequestStore(db, clock);
        this.overrides = overrides;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Asks for cover of {@code schedule} from {@code from} (now when earlier) until {@code until}.
     *
     * @throws Refused when the asker is not a member, the span is over already or too long for an override
     */
    public CoverRequest request(Schedule schedule, String by, Instant from, Instant until, String reason) throws Refused {
        Instant now = clock.instant();
        Instant start = from.isBefore(now) ? now : from;
        if (!schedule.members().contains(by)) {
            throw new Refused(Refused.Reason.NOT_A_MEMBER);
        }
        if (!until.isAfter(start)) {
            throw new Refused(Refused.Reason.OVER);
        }
        if (Duration.between(start, until).compareTo(overrides.longest()) > 0) {
            throw new Refused(Refused.Reason.TOO_LONG);
        }
        CoverRequest request = store.add(schedule.name(), by, start, until, reason);
        audit.append(by, "oncall.cover.request", "schedule:" + schedule.name(), Map.of(
                "id", Long.toString(request.id()), "from", start.toString(), "until", until.toString(), "reason", reason));
        return request;
    }

    /** The request with this id. */
    public Optional<CoverRequest> find(long id) {
        return store.find(id);
    }

    /** What a take came to. */
    public sealed interface Taken {
        /** {@code by} covers it now, by {@code override}. */
        record Covered(CoverRequest request, Overrides.Created override) implements Taken {
        }

        /** Someone else took it first. */
        record AlreadyTaken(CoverRequest request, String by) implements Taken {
        }

        /** It could not be taken by this person, or not any more. */
        record Refused(Optional<CoverRequest> request, CoverRequests.Refused.Reason reason) implements Taken {
        }
    }

    /** {@code by} takes request {@code id}, when they are another member of its schedule and it is not over. */
    public Taken take(long id, String by, Schedule schedule) {
        Optional<CoverRequest> found = store.find(id).filter(r -> r.schedule().equals(schedule.name()));
        if (found.isEmpty()) {
            return new Taken.Refused(Optional.empty(), Refused.Reason.NOT_FOUND);
        }
        CoverRequest request = found.get();
        if (request.takenBy().isPresent()) {
            return new Taken.AlreadyTaken(request, request.takenBy().get());
        }
        if (by.equals(request.requestedBy())) {
            return new Taken.Refused(found, Refused.Reason.OWN);
        }
        if (!schedule.members().contains(by)) {
            return new Taken.Refused(found, Refused.Reason.NOT_A_MEMBER);
        }
        if (!request.until().isAfter(clock.instant())) {
            return new Taken.Refused(found, Refused.Reason.OVER);
        }
        if (!store.take(id, by)) {
            return new Taken.AlreadyTaken(request, store.find(id).flatMap(CoverRequest::takenBy).orElse("someone"));
        }
        Overrides.Created created;
        try {
            created = overrides.create(schedule, Optional.empty(), by, request.from(), request.until(), by);
        } catch (Overrides.Refused refused) {
            store.release(id, by);
            return new Taken.Refused(found, refused.reason() == Overrides.Refused.Reason.OVER ? Refused.Reason.OVER
                    : Refused.Reason.TOO_LONG);
        }
        store.covered(id, created.override().id());
        audit.append(by, "oncall.cover.take", "schedule:" + schedule.name(), Map.of(
                "id", Long.toString(id), "requested_by", request.requestedBy(),
                "override", Long.toString(created.override().id())));
        return new Taken.Covered(store.find(id).orElse(request), created);
    }

    /** Why a cover request was not made or taken. */
    public static final class Refused extends Exception {
        public enum Reason {
            /** Only members of the schedule ask for cover and take it. */
            NOT_A_MEMBER,
            /** The span is over. */
            OVER,
            /** Longer than one override may last. */
            TOO_LONG,
            /** No such request (for this schedule). */
            NOT_FOUND,
            /** One's own request. */
            OWN
        }

        private final Reason reason;

        Refused(Reason reason) {
            super(reason.name());
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
