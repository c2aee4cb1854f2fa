package org.opsbot.commands.alert;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Alerts opsbot raises itself: a heartbeat that did not check in, a scheduled action that
 * failed. Not sent over HTTP; the bot hands the {@link Notification}s built here to
 * {@link Alerts#receive}, so they are stored, posted, escalated and resolved like any other.
 * Each alert goes to the team it names (not through the routes: opsbot knows whose it is) and
 * is its own group, keyed by what raised it.
 */
public final class OpsbotSource implements AlertSource {
    /** The label naming the team an alert of this source belongs to. */
    public static final String TEAM = "team";
    /** The label naming what raised it ({@code heartbeat:cdc-backup}), the group's key. */
    public static final String RAISED_BY = "opsbot_raised_by";

    /** The annotation holding the group's title. */
    static final String TITLE = "title";

    static final OpsbotSource INSTANCE = new OpsbotSource();

    @Override
    public String key() {
        return "opsbot";
    }

    @Override
    public Optional<String> team(IncomingAlert alert) {
        return Optional.ofNullable(alert.labels().get(TEAM));
    }

    /** What a person reads first (a page, the group's head): {@code cdc-backup missed its check-in}. */
    @Override
    public String title(IncomingAlert alert) {
        return alert.annotations().getOrDefault(TITLE, AlertSource.super.title(alert));
    }

    @Override
    public Group group(Notification n, IncomingAlert alert, List<String> routeGroupBy) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", alert.labels().getOrDefault("alertname", ""));
        labels.put(RAISED_BY, alert.labels().getOrDefault(RAISED_BY, ""));
        return new Group(labels.toString(), labels);
    }

    /**
     * A firing (or, with {@code firing} false, resolved) alert of {@code raisedBy} for
     * {@code team}. Its episode starts when it is first received firing, so firing again after a
     * resolution opens a new episode and re-sending either state changes nothing.
     *
     * @param raisedBy what raised it, stable across its episodes: {@code heartbeat:cdc-backup}
     * @param labels   further labels ({@code severity}, {@code heartbeat}, …)
     * @param title    the group's title, for people: {@code cdc-backup missed its check-in}
     */
    public static Notification alert(String raisedBy, String team, String alertname, boolean firing,
                                     Map<String, String> labels, String title, String summary) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("alertname", alertname);
        all.put(TEAM, team);
        all.put(RAISED_BY, raisedBy);
        IncomingAlert alert = new IncomingAlert(WebhookParser.sha256("opsbot\u0000" + raisedBy), firing,
                Optional.empty(), Optional.empty(), all, Map.of(TITLE, title, "summary", summary), Optional.empty());
        return new Notification(INSTANCE, Optional.empty(), Map.of(), Optional.empty(), List.of(alert), List.of(), 0);
    }
}
