package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;
import org.opsbot.commands.model.Page;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Escalation walks and their history. Every change is a compare-and-set on the walk's version,
 * and due walks are claimed before they are fired, so with two replicas a step fires once.
 */
public final class EscalationStore {
    private static final String COLUMNS = """
            subject, team, severity, status, round, next_tier, last_tier, anchor_at, anchor_after_ms, due_at, opened_at, version,
            aware_user, aware_act""";

    private static final RowMapper<Walk> WALK = (rs, ctx) -> {
        long due = rs.getLong("due_at");
        Optional<Instant> dueAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(due));
        String awareUser = rs.getString("aware_user");
        Optional<Walk.Aware> aware = awareUser == null ? Optional.empty()
                : Optional.of(new Walk.Aware(awareUser, rs.getString("aware_act")));
        return new Walk(rs.getString("subject"), rs.getString("team"), rs.getString("severity"),
                Walk.Status.valueOf(rs.getString("status")), rs.getInt("round"), rs.getInt("next_tier"), rs.getInt("last_tier"),
                Instant.ofEpochMilli(rs.getLong("anchor_at")), Duration.ofMillis(rs.getLong("anchor_after_ms")),
                dueAt, Instant.ofEpochMilli(rs.getLong("opened_at")), rs.getLong("version"),
                aware);
    };

    private static final RowMapper<WalkEvent> EVENT = (rs, ctx) -> {
        int tier = rs.getInt("tier");
        OptionalInt t = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(tier);
        return new WalkEvent(rs.getString("subject"), Instant.ofEpochMilli(rs.getLong("at")),
                WalkEvent.Kind.valueOf(rs.getString("kind")), t, rs.getString("detail"));
    };

    private final Database db;
    private final Clock clock;
    private final String claimer;

    public EscalationStore(Database db, Clock clock) {
        this(db, clock, Replica.NAME);
    }

    /** @param claimer this process, as it marks the walks it claims (tests play two processes) */
    public EscalationStore(Database db, Clock clock, String claimer) {
        this.db = db;
        this.clock = clock;
        this.claimer = claimer;
    }

    /** Stores a new walk with its first events; false (and nothing written) if the subject has one. */
    public boolean insert(Walk walk, List<WalkEvent> events) {
        return db.write(h -> {
            int inserted = bound(h.createUpdate("INSERT INTO escalation (" + COLUMNS + ", updated_at) VALUES (:subject, "
                            + ":team, :severity, :status, :round, :nextTier, :lastTier, :anchorAt, :anchorAfter, :dueAt, :openedAt, "
                            + "0, :awareUser, :awareAct, :now) ON CONFLICT (subject) DO NOTHING"), walk)
                    .execute();
            if (inserted == 1) {
                append(h, events);
            }
            return inserted == 1;
        });
    }

    public Optional<Walk> find(String subject) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM escalation WHERE subject = :subject")
                .bind("subject", subject)
                .map(WALK)
                .findOne());
    }

    /**
     * Replaces the walk that was read at {@code walk.version()} with {@code walk}, and records
     * its events, in one transaction; false when someone else changed it meanwhile.
     */
    public boolean save(Walk walk, List<WalkEvent> events) {
        return save(walk, events, List.of());
    }

    /** As {@link #save(Walk, List)}, with the pages the step sent, in the same transaction. */
    public boolean save(Walk walk, List<WalkEvent> events, List<Page> pages) {
        return db.write(h -> {
            int updated = bound(h.createUpdate("""
                            UPDATE escalation SET status = :status, round = :round, next_tier = :nextTier, last_tier = :lastTier,
                                   anchor_at = :anchorAt, anchor_after_ms = :anchorAfter, due_at = :dueAt,
                                   aware_user = :awareUser, aware_act = :awareAct, version = version + 1, updated_at = :now, claimed_by = NULL
                            WHERE subject = :subject AND version = :version"""), walk)
                    .bind("version", walk.version())
                    .execute();
            if (updated == 1) {
                append(h, events);
                PageRows.insert(h, pages);
                // What shows the walk is owed a redraw from the moment the walk is stored.
                PageDmStore.owe(h, walk.subject());
            }
            return updated == 1;
        });
    }

    /**
     * {@code subject} itself changed while its walk stayed as it was (acknowledged after its walk
     * had ended): the page DMs listing it are owed a redraw all the same.
     */
    public void subjectChanged(String subject) {
        // Called for every notification of a group already walking: one nobody got a DM about needs no write.
        boolean listed = db.read(h -> h.createQuery("SELECT 1 FROM page_dm_subject WHERE subject = :subject LIMIT 1")
                .bind("subject", subject).mapTo(Integer.class).findOne().isPresent());
        if (!listed) {
            return;
        }
        db.write(h -> {
            PageDmStore.owe(h, subject);
            return null;
        });
    }

    /**
     * Claims up to {@code limit} walks due at {@code now}: each is pushed {@code claimFor} into the
     * future, so a replica that dies while firing it leaves it due again later, and another
     * replica's claim of the same walk fails on the version.
     */
    public List<Walk> claimDue(Instant now, Duration claimFor, int limit) {
        List<Walk> due = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM escalation "
                        + "WHERE status IN ('WALKING', 'ACKNOWLEDGED') AND due_at <= :now ORDER BY due_at LIMIT :limit")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(WALK)
                .list());
        if (due.isEmpty()) {
            return List.of();
        }
        // One transaction for the whole batch: on SQLite every write transaction is a trip
        // through the single writer thread and a commit, and a claim is only a compare-and-set.
        List<Walk> claimed = db.write(h -> {
            List<Walk> mine = new ArrayList<>();
            for (Walk walk : due) {
                boolean won = h.createUpdate("""
                                UPDATE escalation SET due_at = :until, version = version + 1, updated_at = :now,
                                       claimed_by = :claimer
                                WHERE subject = :subject AND version = :version""")
                        .bind("until", now.plus(claimFor).toEpochMilli())
                        .bind("claimer", claimer)
                        .bind("now", clock.millis())
                        .bind("subject", walk.subject())
                        .bind("version", walk.version())
                        .execute() == 1;
                if (won) {
                    // The claimed row, as it now is: the fire's result is saved against this version.
                    mine.add(new Walk(walk.subject(), walk.team(), walk.severity(), walk.status(), walk.round(),
                            walk.nextTier(), walk.lastTier(), walk.anchorAt(), walk.anchorAfter(), walk.dueAt(),
                            walk.openedAt(), walk.version() + 1, walk.aware()));
                }
            }
            return mine;
        });
        return claimed;
    }

    /**
     * Walks of alert groups (subjects {@code groupPrefix} followed by the group's id) that wait
     * while their group fires again: stopped, or waiting on an acknowledgement with nothing due
     * (a walk held by a maintenance window, whose last event is its opening, is not one), while
     * the group fires, unacknowledged and not snoozed at {@code now}. Only walks and groups that
     * last changed before {@code settledBefore} (epoch ms): a change that is newer may still be on
     * its way to the walk. Driven from the few firing groups, not from every walk ever stopped.
     */
    public List<Walk> idleWhileGroupFires(String groupPrefix, long settledBefore, long now, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT e.subject, e.team, e.severity, e.status, e.round, e.next_tier, e.last_tier, e.anchor_at,
                               e.anchor_after_ms, e.due_at, e.opened_at, e.version, e.aware_user, e.aware_act
                         FROM alert_group g JOIN escalation e ON e.subject = :prefix || g.id
                        WHERE g.state = 'FIRING' AND (g.snoozed_until IS NULL OR g.snoozed_until <= :now)
                          AND g.updated_at < :settled AND e.updated_at < :settled
                          AND (e.status = 'STOPPED'
                               OR (e.status = 'ACKNOWLEDGED' AND e.due_at IS NULL
                                   AND (SELECT ev.kind FROM escalation_event ev WHERE ev.subject = e.subject
                                        ORDER BY ev.id DESC LIMIT 1) = 'ACKNOWLEDGED'))
                        ORDER BY g.id LIMIT :limit""")
                .bind("prefix", groupPrefix)
                .bind("now", now)
                .bind("settled", settledBefore)
                .bind("limit", limit)
                .map(WALK)
                .list());
    }

    /**
     * Makes the walks other processes claimed due at {@code now}. Only the holder of the
     * escalations lease claims, so such a claim belongs to a holder that lost the lease (it
     * died while firing): the walk fires again at once rather than when the claim runs out, and
     * the version moves on, so a late save by the old holder fails.
     *
     * @return how many walks were freed
     */
    public int releaseClaimsOfOthers(Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE escalation SET due_at = :now, claimed_by = NULL, version = version + 1, updated_at = :now
                        WHERE claimed_by IS NOT NULL AND claimed_by <> :claimer AND status IN ('WALKING', 'ACKNOWLEDGED')""")
                .bind("now", now.toEpochMilli())
                .bind("claimer", claimer)
                .execute());
    }

    /** The earliest due time of a walk that is walking or acknowledged. */
    public Optional<Instant> nextDue() {
        return db.read(h -> h.createQuery("SELECT MIN(due_at) FROM escalation WHERE status IN ('WALKING', 'ACKNOWLEDGED')")
                .mapTo(Long.class)
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .map(Instant::ofEpochMilli));
    }

    /** The walk's history, oldest first. */
    public List<WalkEvent> events(String subject) {
        return db.read(h -> h.createQuery("SELECT subject, at, kind, tier, detail FROM escalation_event "
                        + "WHERE subject = :subject ORDER BY id")
                .bind("subject", subject)
                .map(EVENT)
                .list());
    }

    /** Binds every column a walk has; statements use the names they need. */
    private Update bound(Update update, Walk walk) {
        return update
                .bind("subject", walk.subject())
                .bind("team", walk.team())
                .bind("severity", walk.severity())
                .bind("status", walk.status().name())
                .bind("round", walk.round())
                .bind("nextTier", walk.nextTier())
                .bind("lastTier", walk.lastTier())
                .bind("anchorAt", walk.anchorAt().toEpochMilli())
                .bind("anchorAfter", walk.anchorAfter().toMillis())
                .bind("dueAt", walk.dueAt().map(Instant::toEpochMilli).orElse(null))
                .bind("openedAt", walk.openedAt().toEpochMilli())
                .bind("awareUser", walk.aware().map(Walk.Aware::user).orElse(null))
                .bind("awareAct", walk.aware().map(Walk.Aware::act).orElse(null))
                .bind("now", clock.millis());
    }

    private static void append(Handle h, List<WalkEvent> events) {
        for (WalkEvent e : events) {
            h.createUpdate("INSERT INTO escalation_event (subject, at, kind, tier, detail) VALUES (:subject, :at, :kind, :tier, :detail)")
                    .bind("subject", e.subject())
                    .bind("at", e.at().toEpochMilli())
                    .bind("kind", e.kind().name())
                    .bind("tier", e.tier().isPresent() ? e.tier().getAsInt() : null)
                    .bind("detail", e.detail())
                    .execute();
        }
    }

    /** Which of {@code subjects} a tier paged {@code target} about (or tried to: Do Not Disturb, a failure). */
    public java.util.Set<String> pagedAmong(String target, java.util.Collection<String> subjects) {
        if (subjects.isEmpty()) {
            return java.util.Set.of();
        }
        return db.read(h -> new java.util.HashSet<>(h.createQuery(
                        "SELECT DISTINCT subject FROM page WHERE target = :target AND subject IN (<subjects>)")
                .bind("target", target)
                .bindList("subjects", List.copyOf(subjects))
                .mapTo(String.class)
                .list()));
    }
}
