package org.opsbot.commands.store;

import org.opsbot.commands.model.Page;
import org.opsbot.commands.model.Verdict;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What stats read: alert groups, pages and incidents opened in a period, each query over an
 * indexed time column. {@code team} empty means every team.
 */
public final class StatsStore {

    /** An alert group as stats see it: when it opened, was first acknowledged, was resolved. */
    public record GroupRow(long id, String title, String severity, Instant opened, Optional<Instant> firstAck,
                           Optional<Instant> resolved) {
    }

    public record PageRow(String subject, int tier, String tierName, String target, Instant at, Page.Outcome outcome) {
    }

    public record IncidentRow(long id, String severity, Instant declared, Optional<Instant> resolved) {
    }

    /** @param resolvedUnacked resolved without anyone acknowledging; @param notActionable marked "No" */
    public record NoisyRow(String title, int groups, int resolvedUnacked, int notActionable) {
    }

    private final Database db;

    public StatsStore(Database db) {
        this.db = db;
    }

    /** Groups opened in [from, until), oldest first. The first ack is the walk's, or the group's own. */
    public List<GroupRow> groups(Optional<String> team, Instant from, Instant until) {
        return db.read(h -> h.createQuery("""
                        SELECT g.id, g.title, g.severity, g.opened_at, g.resolved_at,
                               COALESCE((SELECT MIN(e.at) FROM escalation_event e
                                         WHERE e.kind = 'ACKNOWLEDGED' AND e.subject = 'alert-group:' || g.id), g.acked_at) AS first_ack
                        FROM alert_group g
                        WHERE g.opened_at >= :from AND g.opened_at < :until""" + team(team, "g.team") + " ORDER BY g.opened_at")
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bindMap(team.map(t -> java.util.Map.<String, Object>of("team", t)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> new GroupRow(rs.getLong("id"), rs.getString("title"),
                        Optional.ofNullable(rs.getString("severity")).orElse("none"),
                        Instant.ofEpochMilli(rs.getLong("opened_at")), instant(rs.getObject("first_ack")),
                        instant(rs.getObject("resolved_at"))))
                .list());
    }

    /** Pages sent or tried in [from, until), oldest first. */
    public List<PageRow> pages(Optional<String> team, Instant from, Instant until) {
        return db.read(h -> h.createQuery("SELECT subject, tier, tier_name, target, at, outcome FROM page "
                        + "WHERE at >= :from AND at < :until" + team(team, "team") + " ORDER BY at, id")
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bindMap(team.map(t -> java.util.Map.<String, Object>of("team", t)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> new PageRow(rs.getString("subject"), rs.getInt("tier"), rs.getString("tier_name"),
                        rs.getString("target"), Instant.ofEpochMilli(rs.getLong("at")),
                        Page.Outcome.valueOf(rs.getString("outcome"))))
                .list());
    }

    /** Incidents declared in [from, until). */
    public List<IncidentRow> incidents(Optional<String> team, Instant from, Instant until) {
        return db.read(h -> h.createQuery("SELECT id, severity, declared_at, resolved_at FROM incident "
                        + "WHERE declared_at >= :from AND declared_at < :until" + team(team, "team") + " ORDER BY declared_at")
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bindMap(team.map(t -> java.util.Map.<String, Object>of("team", t)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> new IncidentRow(rs.getLong("id"), rs.getString("severity"),
                        Instant.ofEpochMilli(rs.getLong("declared_at")), instant(rs.getObject("resolved_at"))))
                .list());
    }

    /** The alerts that opened the most groups in [from, until), most first, at most {@code limit}. */
    public List<NoisyRow> noisiest(Optional<String> team, Instant from, Instant until, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT g.title, COUNT(*) AS groups_opened,
                               SUM(CASE WHEN g.state = 'RESOLVED' AND g.acked_by IS NULL AND NOT EXISTS (
                                       SELECT 1 FROM escalation_event e
                                       WHERE e.kind = 'ACKNOWLEDGED' AND e.subject = 'alert-group:' || g.id)
                                   THEN 1 ELSE 0 END) AS resolved_unacked,
                               SUM(CASE WHEN v.actionable = 0 THEN 1 ELSE 0 END) AS not_actionable
                        FROM alert_group g LEFT JOIN alert_group_verdict v ON v.group_id = g.id
                        WHERE g.opened_at >= :from AND g.opened_at < :until""" + team(team, "g.team")
                        + " GROUP BY g.title ORDER BY groups_opened DESC, g.title LIMIT :limit")
                .bind("from", from.toEpochMilli())
                .bind("until", until.toEpochMilli())
                .bind("limit", limit)
                .bindMap(team.map(t -> java.util.Map.<String, Object>of("team", t)).orElse(java.util.Map.of()))
                .map((rs, ctx) -> new NoisyRow(rs.getString("title"), rs.getInt("groups_opened"),
                        rs.getInt("resolved_unacked"), rs.getInt("not_actionable")))
                .list());
    }

    /** Records a person's Actionable? answer for a group; the last answer counts. */
    public void markActionable(long groupId, boolean actionable, String by, Instant at) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO alert_group_verdict (group_id, actionable, answered_by, answered_at)
                        VALUES (:id, :a, :by, :at)
                        ON CONFLICT (group_id) DO UPDATE SET actionable = :a, answered_by = :by, answered_at = :at""")
                .bind("a", actionable ? 1 : 0).bind("by", by).bind("at", at.toEpochMilli()).bind("id", groupId)
                .execute());
    }

    /** The recorded answer for a group, if anyone gave one. */
    public Optional<Boolean> actionable(long groupId) {
        return verdict(groupId).map(Verdict::actionable);
    }

    public Optional<Verdict> verdict(long groupId) {
        return db.read(h -> h.createQuery("SELECT actionable, answered_by, answered_at FROM alert_group_verdict WHERE group_id = :id")
                .bind("id", groupId)
                .map((rs, ctx) -> new Verdict(rs.getInt("actionable") == 1, rs.getString("answered_by"),
                        Instant.ofEpochMilli(rs.getLong("answered_at"))))
                .findOne());
    }

    private static String team(Optional<String> team, String column) {
        return team.isPresent() ? " AND " + column + " = :team" : "";
    }

    private static Optional<Instant> instant(Object millis) {
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(((Number) millis).longValue()));
    }
}
