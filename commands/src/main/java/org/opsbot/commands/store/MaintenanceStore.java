package org.opsbot.commands.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.opsbot.commands.model.MaintenanceWindow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maintenance windows. An occurrence of a recurring window is one row by its name and start
 * ({@code UNIQUE (window_name, starts_at)}), so starting or skipping it is insert-once; the start
 * and end work of a window is claimed by one replica through its claim columns.
 */
public final class MaintenanceStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, team, window_name, labels, starts_at, ends_at, reason, created_by, skipped, "
            + "ended_by, silence_id";
    private static final RowMapper<MaintenanceWindow> MAPPER = (rs, ctx) -> new MaintenanceWindow(
            rs.getLong("id"),
            rs.getString("team"),
            Optional.ofNullable(rs.getString("window_name")),
            labels(rs.getString("labels")),
            Instant.ofEpochMilli(rs.getLong("starts_at")),
            Instant.ofEpochMilli(rs.getLong("ends_at")),
            rs.getString("reason"),
            rs.getString("created_by"),
            rs.getInt("skipped") != 0,
            Optional.ofNullable(rs.getString("ended_by")),
            Optional.ofNullable(rs.getString("silence_id")));

    private final Database db;

    public MaintenanceStore(Database db) {
        this.db = db;
    }

    /** Stores a window; for a recurring occurrence already stored, returns the stored one instead. */
    public MaintenanceWindow insertOnce(String team, Optional<String> windowName, Map<String, List<String>> labels,
                                        Instant from, Instant until, String reason, String by, boolean skipped, Instant now) {
        String sql = "INSERT INTO maintenance_window (team, window_name, labels, starts_at, ends_at, reason, created_by, "
                + "created_at, skipped) VALUES (:team, :name, :labels, :from, :until, :reason, :by, :now, :skipped)";
        java.util.function.Function<org.jdbi.v3.core.Handle, org.jdbi.v3.core.statement.Update> insert = h -> h
                .createUpdate(windowName.isPresent() ? sql + " ON CONFLICT (window_name, starts_at) DO NOTHING" : sql)
                .bind("team", team)
                .bind("name", windowName.orElse(null))
                .bind("labels", json(labels))
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bind("reason", reason)
                .bind("by", by)
                .bind("now", now.toEpochMilli())
                .bind("skipped", skipped ? 1 : 0);
        if (windowName.isPresent()) {
            // An occurrence is one row whoever stores it first; the others read that one.
            db.write(h -> insert.apply(h).execute());
            return occurrence(windowName.get(), from).orElseThrow();
        }
        long id = db.write(h -> insert.apply(h).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return find(id).orElseThrow();
    }

    public Optional<MaintenanceWindow> find(long id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM maintenance_window WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    public Optional<MaintenanceWindow> occurrence(String windowName, Instant startsAt) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM maintenance_window WHERE window_name = :name AND starts_at = :at")
                .bind("name", windowName).bind("at", startsAt.toEpochMilli()).map(MAPPER).findOne());
    }

    /** Windows not over by {@code from} (skipped occurrences included), by start. */
    public List<MaintenanceWindow> endingAfter(Instant from) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM maintenance_window WHERE ends_at > :from ORDER BY starts_at, id")
                .bind("from", from.toEpochMilli()).map(MAPPER).list());
    }

    /** Ends a window now; false when it was not running. */
    public boolean end(long id, Instant now, String by) {
        return db.write(h -> h.createUpdate("UPDATE maintenance_window SET ends_at = :now, ended_by = :by "
                        + "WHERE id = :id AND skipped = 0 AND starts_at <= :now AND ends_at > :now")
                .bind("id", id).bind("now", now.toEpochMilli()).bind("by", by).execute()) == 1;
    }

    /** Windows started by {@code now} whose start nobody has claimed yet. */
    public List<MaintenanceWindow> unclaimedStarts(Instant now) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM maintenance_window WHERE skipped = 0 "
                        + "AND starts_at <= :now AND started_claim IS NULL ORDER BY id")
                .bind("now", now.toEpochMilli()).map(MAPPER).list());
    }

    /** Windows over by {@code now} whose end nobody has claimed yet. */
    public List<MaintenanceWindow> unclaimedEnds(Instant now) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM maintenance_window WHERE skipped = 0 "
                        + "AND ends_at <= :now AND finished_claim IS NULL ORDER BY id")
                .bind("now", now.toEpochMilli()).map(MAPPER).list());
    }

    /** Claims the start ({@code "start"}) or end ({@code "end"}) work of a window; true for one caller only. */
    public boolean claim(long id, String what, String holder) {
        String column = switch (what) {
            case "start" -> "started_claim";
            case "end" -> "finished_claim";
            default -> throw new IllegalArgumentException(what);
        };
        return db.write(h -> h.createUpdate("UPDATE maintenance_window SET " + column + " = :holder WHERE id = :id AND "
                        + column + " IS NULL")
                .bind("id", id).bind("holder", holder).execute()) == 1;
    }

    public void silenced(long id, String silenceId) {
        db.write(h -> h.createUpdate("UPDATE maintenance_window SET silence_id = :s WHERE id = :id")
                .bind("id", id).bind("s", silenceId).execute());
    }

    private static String json(Map<String, List<String>> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> labels(String json) {
        try {
            return JSON.readValue(json, new TypeReference<java.util.LinkedHashMap<String, List<String>>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maintenance_window.labels is not JSON: " + json, e);
        }
    }
}
