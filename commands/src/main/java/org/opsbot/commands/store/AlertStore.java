package org.opsbot.commands.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Alert groups and their alerts. Changes go through {@link #write}: one transaction in which a
 * group is locked before it is read ({@link Tx#lock}), so two deliveries of the same webhook,
 * or two clicks on Ack, are applied one after the other and the second sees the first.
 */
public final class AlertStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String GROUP_COLUMNS = """
            id, group_key, source, team, channel, title, severity, group_labels, external_url, truncated_alerts, state,
            acked_by, acked_at, resolved_by, resolved_at, still_firing_noted, snoozed_by, snoozed_until,
            silence_id, silenced_by, silenced_until, message_id, opened_at, updated_at""";

    private static final String ALERT_COLUMNS = """
            group_id, fingerprint, status, starts_at, ends_at, labels, annotations, fired_annotations,
            generator_url, received_at, updated_at""";

    private static final RowMapper<StoredAlertGroup> GROUP = (rs, ctx) -> new StoredAlertGroup(
            rs.getLong("id"),
            new StoredAlertGroup.Route(
                    rs.getString("group_key"),
                    rs.getString("source"),
                    rs.getString("team"),
                    rs.getString("channel"),
                    map(rs.getString("group_labels")),
                    rs.getString("external_url")),
            rs.getString("title"),
            rs.getString("severity"),
            rs.getInt("truncated_alerts"),
            new StoredAlertGroup.Lifecycle(
                    StoredAlertGroup.State.valueOf(rs.getString("state")),
                    rs.getString("acked_by"),
                    nullableLong(rs, "acked_at"),
                    rs.getString("resolved_by"),
                    nullableLong(rs, "resolved_at"),
                    rs.getInt("still_firing_noted") != 0),
            new StoredAlertGroup.Mutes(
                    rs.getString("snoozed_by"),
                    nullableLong(rs, "snoozed_until"),
                    rs.getString("silence_id"),
                    rs.getString("silenced_by"),
                    nullableLong(rs, "silenced_until")),
            nullableLong(rs, "message_id"),
            rs.getLong("opened_at"),
            rs.getLong("updated_at"));

    private static final RowMapper<StoredAlert> ALERT = (rs, ctx) -> new StoredAlert(
            rs.getLong("group_id"),
            rs.getString("fingerprint"),
            rs.getString("status"),
            rs.getLong("starts_at"),
            nullableLong(rs, "ends_at"),
            map(rs.getString("labels")),
            map(rs.getString("annotations")),
            map(rs.getString("fired_annotations")),
            rs.getString("generator_url"),
            rs.getLong("received_at"),
            rs.getLong("updated_at"));

    private final Database db;

    public AlertStore(Database db) {
        this.db = db;
    }

    /** Runs {@code work} in one write transaction. */
    public <T> T write(Function<Tx, T> work) {
        return db.write(h -> work.apply(new Tx(h)));
    }

    public Optional<StoredAlertGroup> group(long id) {
        return db.read(h -> groupIn(h, id));
    }

    public List<StoredAlert> alerts(long groupId) {
        return db.read(h -> alertsIn(h, groupId));
    }

    /** Groups not resolved, newest first; of one team when {@code team} is given. */
    public List<StoredAlertGroup> open(Optional<String> team, int limit) {
        return db.read(h -> h.createQuery("SELECT " + GROUP_COLUMNS + " FROM alert_group WHERE state <> :resolved"
                        + (team.isPresent() ? " AND team = :team" : "") + " ORDER BY id DESC LIMIT :limit")
                .bind("resolved", StoredAlertGroup.State.RESOLVED.name())
                .bind("team", team.orElse(null))
                .bind("limit", limit)
                .map(GROUP)
                .list());
    }

    /** Groups of one source (its stored name) not resolved, oldest first. */
    public List<StoredAlertGroup> openFrom(String source) {
        return db.read(h -> h.createQuery("SELECT " + GROUP_COLUMNS + " FROM alert_group WHERE state <> :resolved"
                        + " AND source = :source ORDER BY id")
                .bind("resolved", StoredAlertGroup.State.RESOLVED.name())
                .bind("source", source)
                .map(GROUP)
                .list());
    }

    /**
     * Firing groups, opened before {@code openedBefore}, whose opening was cut short: no parent
     * message, or no escalation walk (whose subject is {@code walkPrefix} followed by the id).
     * A process killed between the intake's commit and its post or its walk leaves these behind.
     */
    public List<StoredAlertGroup> unfinishedOpenings(long openedBefore, String walkPrefix, int limit) {
        return db.read(h -> h.createQuery("SELECT " + GROUP_COLUMNS + """
                         FROM alert_group g
                        WHERE g.state = :firing AND g.opened_at < :before
                          AND (g.message_id IS NULL
                               OR NOT EXISTS (SELECT 1 FROM escalation e WHERE e.subject = :prefix || g.id))
                        ORDER BY g.id LIMIT :limit""")
                .bind("firing", StoredAlertGroup.State.FIRING.name())
                .bind("before", openedBefore)
                .bind("prefix", walkPrefix)
                .bind("limit", limit)
                .map(GROUP)
                .list());
    }

    /** Groups whose snooze or silence ran out by {@code now}. */
    public List<Long> mutesEndedBy(long now) {
        return db.read(h -> h.createQuery("""
                        SELECT id FROM alert_group
                        WHERE (snoozed_until IS NOT NULL AND snoozed_until <= :now)
                           OR (silenced_until IS NOT NULL AND silenced_until <= :now)
                        ORDER BY id""")
                .bind("now", now)
                .mapTo(Long.class)
                .list());
    }

    public boolean wasNotified(long groupId, String userId) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM alert_group_notified WHERE group_id = :g AND user_id = :u")
                .bind("g", groupId)
                .bind("u", userId)
                .mapTo(Long.class)
                .one() > 0);
    }

    /** Records the group's parent message, unless one was recorded already; answers whether it was. */
    public boolean attachMessage(long groupId, long outboxId) {
        return db.write(h -> h.createUpdate("UPDATE alert_group SET message_id = :m WHERE id = :id AND message_id IS NULL")
                .bind("m", outboxId)
                .bind("id", groupId)
                .execute() == 1);
    }

    /** The statements of one write transaction. */
    public static final class Tx {
        private final Handle h;

        private Tx(Handle h) {
            this.h = h;
        }

        /**
         * Creates the group unless it exists, then locks it for the rest of the transaction.
         * A concurrent creator of the same key waits on the unique index and then finds the
         * row, so exactly one of them sees {@code created}.
         */
        public Locked openGroup(StoredAlertGroup template) {
            StoredAlertGroup.Route route = template.route();
            int inserted = h.createUpdate("""
                            INSERT INTO alert_group (group_key, source, team, channel, title, severity, group_labels,
                                                     external_url, state, opened_at, updated_at)
                            VALUES (:key, :source, :team, :channel, :title, :severity, :labels, :url, :state, :at, :at)
                            ON CONFLICT (group_key) DO NOTHING""")
                    .bind("key", route.groupKey())
                    .bind("source", route.source())
                    .bind("team", route.team())
                    .bind("channel", route.channel())
                    .bind("title", template.title())
                    .bind("severity", template.severity())
                    .bind("labels", json(route.groupLabels()))
                    .bind("url", route.externalUrl())
                    .bind("state", template.state().name())
                    .bind("at", template.openedAt())
                    .execute();
            long id = h.createQuery("SELECT id FROM alert_group WHERE group_key = :key")
                    .bind("key", route.groupKey())
                    .mapTo(Long.class)
                    .one();
            return new Locked(lock(id).orElseThrow(), inserted == 1);
        }

        /** Locks the group until the transaction ends (a row lock on PostgreSQL; SQLite has one writer). */
        public Optional<StoredAlertGroup> lock(long id) {
            int touched = h.createUpdate("UPDATE alert_group SET version = version + 1 WHERE id = :id")
                    .bind("id", id)
                    .execute();
            return touched == 0 ? Optional.empty() : groupIn(h, id);
        }

        public List<StoredAlert> alerts(long groupId) {
            return alertsIn(h, groupId);
        }

        /** Saves what a change may touch: title, severity, truncation, lifecycle and mutes (never the route). */
        public void save(StoredAlertGroup g) {
            StoredAlertGroup.Lifecycle life = g.lifecycle();
            StoredAlertGroup.Mutes mutes = g.mutes();
            h.createUpdate("""
                            UPDATE alert_group SET title = :title, severity = :severity, state = :state,
                                   acked_by = :ackedBy, acked_at = :ackedAt, resolved_by = :resolvedBy,
                                   resolved_at = :resolvedAt, still_firing_noted = :noted, snoozed_by = :snoozedBy,
                                   snoozed_until = :snoozedUntil, silence_id = :silenceId, silenced_by = :silencedBy,
                                   silenced_until = :silencedUntil, truncated_alerts = :truncated,
                                   updated_at = :updatedAt
                            WHERE id = :id""")
                    .bind("title", g.title())
                    .bind("severity", g.severity())
                    .bind("state", life.state().name())
                    .bind("ackedBy", life.ackedBy())
                    .bind("ackedAt", life.ackedAt())
                    .bind("resolvedBy", life.resolvedBy())
                    .bind("resolvedAt", life.resolvedAt())
                    .bind("noted", life.stillFiringNoted() ? 1 : 0)
                    .bind("snoozedBy", mutes.snoozedBy())
                    .bind("snoozedUntil", mutes.snoozedUntil())
                    .bind("silenceId", mutes.silenceId())
                    .bind("silencedBy", mutes.silencedBy())
                    .bind("silencedUntil", mutes.silencedUntil())
                    .bind("updatedAt", g.updatedAt())
                    .bind("truncated", g.truncatedAlerts())
                    .bind("id", g.id())
                    .execute();
        }

        /** Inserts new alerts as one batch: a webhook of 100 alerts is one round trip, not 100. */
        public void insert(List<StoredAlert> alerts) {
            if (alerts.isEmpty()) {
                return;
            }
            PreparedBatch batch = h.prepareBatch("INSERT INTO alert (" + ALERT_COLUMNS + """
                    ) VALUES (:groupId, :fingerprint, :status, :startsAt, :endsAt, :labels, :annotations,
                              :fired, :url, :receivedAt, :updatedAt)""");
            alerts.forEach(a -> bind(batch, a).add());
            batch.execute();
        }

        public void update(List<StoredAlert> alerts) {
            if (alerts.isEmpty()) {
                return;
            }
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE alert SET status = :status, starts_at = :startsAt, ends_at = :endsAt, labels = :labels,
                           annotations = :annotations, fired_annotations = :fired, generator_url = :url,
                           received_at = :receivedAt, updated_at = :updatedAt
                    WHERE group_id = :groupId AND fingerprint = :fingerprint""");
            alerts.forEach(a -> bind(batch, a).add());
            batch.execute();
        }

        private static PreparedBatch bind(PreparedBatch batch, StoredAlert a) {
            return batch.bind("groupId", a.groupId())
                    .bind("fingerprint", a.fingerprint())
                    .bind("status", a.status())
                    .bind("startsAt", a.startsAt())
                    .bind("endsAt", a.endsAt())
                    .bind("labels", json(a.labels()))
                    .bind("annotations", json(a.annotations()))
                    .bind("fired", json(a.firedAnnotations()))
                    .bind("url", a.generatorUrl())
                    .bind("receivedAt", a.receivedAt())
                    .bind("updatedAt", a.updatedAt());
        }

        /** Remembers that the bot notified {@code userId} about the group, so they may act on it. */
        public void notified(long groupId, String userId, long at) {
            h.createUpdate("""
                            INSERT INTO alert_group_notified (group_id, user_id, at) VALUES (:g, :u, :at)
                            ON CONFLICT (group_id, user_id) DO NOTHING""")
                    .bind("g", groupId)
                    .bind("u", userId)
                    .bind("at", at)
                    .execute();
        }
    }

    /** A group locked by this transaction, and whether this transaction created it. */
    public record Locked(StoredAlertGroup group, boolean created) {
    }

    private static Optional<StoredAlertGroup> groupIn(Handle h, long id) {
        return h.createQuery("SELECT " + GROUP_COLUMNS + " FROM alert_group WHERE id = :id")
                .bind("id", id)
                .map(GROUP)
                .findOne();
    }

    private static List<StoredAlert> alertsIn(Handle h, long groupId) {
        return h.createQuery("SELECT " + ALERT_COLUMNS + " FROM alert WHERE group_id = :g ORDER BY received_at, fingerprint")
                .bind("g", groupId)
                .map(ALERT)
                .list();
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot store labels: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> map(String json) {
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new StoreException("stored labels are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
