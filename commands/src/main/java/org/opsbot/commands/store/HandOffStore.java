package org.opsbot.commands.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.HandOff;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** Hand-offs of on-call schedules: inserted once per (schedule, shift start, kind), never deleted. */
public final class HandOffStore {
    private static final String COLUMNS = "schedule, shift_from, kind, user_id, shift_until, previous, done_at";
    private static final RowMapper<HandOff> MAPPER = (rs, ctx) -> {
        long done = rs.getLong("done_at");
        Optional<Instant> doneAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(done));
        return new HandOff(rs.getString("schedule"), Instant.ofEpochMilli(rs.getLong("shift_from")),
                HandOff.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getString("user_id"),
                Instant.ofEpochMilli(rs.getLong("shift_until")), Optional.ofNullable(rs.getString("previous")), doneAt);
    };

    private final Database db;
    private final Clock clock;

    public HandOffStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Records a schedule's due hand-offs, each unless one of its schedule, start and kind is
     * recorded already, in one transaction: a round cut short leaves all of them or none. Those of
     * a schedule nothing was recorded for yet are recorded as done (nothing to send): the shift
     * running when a schedule is first seen was not seen coming.
     *
     * @param silent those recorded as done in any case (nothing to say)
     */
    public void record(String schedule, List<HandOff> due, Predicate<HandOff> silent) {
        if (due.isEmpty()) {
            return;
        }
        long now = clock.millis();
        db.write(h -> {
            boolean firstSight = h.createQuery("SELECT 1 FROM on_call_hand_off WHERE schedule = :schedule LIMIT 1")
                    .bind("schedule", schedule).mapTo(Integer.class).findOne().isEmpty();
            for (HandOff handOff : due) {
                boolean done = firstSight || silent.test(handOff);
                h.createUpdate("""
                                INSERT INTO on_call_hand_off (schedule, shift_from, kind, user_id, shift_until, previous, recorded_at, done_at)
                                VALUES (:schedule, :from, :kind, :user, :until, :previous, :now, :done)
                                ON CONFLICT (schedule, shift_from, kind) DO NOTHING""")
                        .bind("schedule", handOff.schedule())
                        .bind("from", handOff.from().toEpochMilli())
                        .bind("kind", handOff.kind().name().toLowerCase(Locale.ROOT))
                        .bind("user", handOff.user())
                        .bind("until", handOff.until().toEpochMilli())
                        .bind("previous", handOff.previous().orElse(null))
                        .bind("now", now)
                        .bind("done", done ? (Long) now : null)
                        .execute();
            }
            return null;
        });
    }

    /** Hand-offs not yet sent whose shift has not ended by {@code now}, oldest first. */
    public List<HandOff> pending(Instant now) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + """
                         FROM on_call_hand_off WHERE done_at IS NULL AND shift_until > :now
                        ORDER BY shift_from, schedule, kind DESC""")
                .bind("now", now.toEpochMilli())
                .map(MAPPER)
                .list());
    }

    /** Marks it sent. */
    public void done(HandOff handOff) {
        db.write(h -> h.createUpdate("""
                        UPDATE on_call_hand_off SET done_at = :now
                        WHERE schedule = :schedule AND shift_from = :from AND kind = :kind AND done_at IS NULL""")
                .bind("now", clock.millis())
                .bind("schedule", handOff.schedule())
                .bind("from", handOff.from().toEpochMilli())
                .bind("kind", handOff.kind().name().toLowerCase(Locale.ROOT))
                .execute());
    }

    /** The recorded hand-offs (announcements) of a schedule that began before {@code until}, in order. */
    public List<HandOff> announcedBefore(String schedule, Instant until) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + """
                         FROM on_call_hand_off WHERE schedule = :schedule AND kind = 'announce' AND shift_from < :until
                        ORDER BY shift_from""")
                .bind("schedule", schedule)
                .bind("until", until.toEpochMilli())
                .map(MAPPER)
                .list());
    }
}
