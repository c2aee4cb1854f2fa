package org.opsbot.bot.home;

import org.opsbot.commands.maintenance.Maintenance;

import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.view.View;
import com.slack.api.util.json.GsonFactory;
import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.bot.slack.ops.SlackRoutes;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.TeamMembers;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.home.HomeViewers;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.HomeViewer;
import org.opsbot.commands.model.OnCallOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The bot's App Home tab: opening it publishes the person's Home ({@link HomeView}); from then on
 * the lease holder looks every scheduler tick whether what it would show has changed (an alert
 * group of their team opened, acknowledged or resolved, an approval decided, a shift begun) and
 * publishes it again when it has, at most once every {@link HomeViewers#MIN_GAP} per person.
 * One mechanism for every kind of change: no feature has to tell the Home about its own. Views
 * go through the outbox (its {@code views.publish} rate limit, retries, newest view only).
 */
public final class HomeFeature implements SlackFeature {
    private static final Logger LOG = LoggerFactory.getLogger(HomeFeature.class);

    private final HomeViewers viewers;
    private final HomeSources sources;
    private final Outbox outbox;
    private final Executor executor;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    public HomeFeature(HomeViewers viewers, Supplier<OpsbotConfig> config, TeamMembers members, Alerts alerts, Approvals approvals,
                       Incidents incidents, Escalations escalations, Function<Instant, List<OnCallOverride>> overrides,
                       UserTimeZones zones, Outbox outbox, Executor executor, Clock clock) {
        this(viewers, config, members, alerts, approvals, incidents, escalations, overrides, zones, outbox, executor, clock,
                () -> new Maintenance.Overview(List.of(), List.of()));
    }

    /** @param maintenance the maintenance windows running now and next, shown for the person's teams */
    public HomeFeature(HomeViewers viewers, Supplier<OpsbotConfig> config, TeamMembers members, Alerts alerts, Approvals approvals,
                       Incidents incidents, Escalations escalations, Function<Instant, List<OnCallOverride>> overrides,
                       UserTimeZones zones, Outbox outbox, Executor executor, Clock clock,
                       Supplier<Maintenance.Overview> maintenance) {
        this.viewers = viewers;
        this.sources = new HomeSources(config, members, alerts, approvals, incidents, escalations, overrides, zones, clock,
                maintenance);
        this.outbox = outbox;
        this.executor = executor;
    }

    @Override
    public SlackRoutes routes() {
        return SlackRoutes.of("home").event(AppHomeOpenedEvent.class, this::opened);
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(Scheduler.Job.onLeaseHolder("app-home", now -> refreshInBackground()));
    }

    /**
     * Gathering Homes may wait on Slack (a person's time zone), so it runs beside the scheduler's
     * other jobs, one round at a time: a round still running when the next tick comes is not doubled.
     */
    private void refreshInBackground() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.warn("Refreshing the App Homes failed; trying again at the next tick", e);
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false);
            throw e;
        }
    }

    /** Acked at once; the Home is gathered and handed to the outbox afterwards. */
    private Response opened(EventsApiPayload<AppHomeOpenedEvent> payload, EventContext ctx) {
        AppHomeOpenedEvent event = payload.getEvent();
        // The Messages tab fires the same event; only the Home tab shows a view.
        if (event != null && event.getUser() != null && (event.getTab() == null || "home".equals(event.getTab()))) {
            String user = event.getUser();
            executor.execute(() -> {
                try {
                    viewers.opened(user);
                    publish(user, HomeView.of(sources.of(user, sources.snapshot())));
                } catch (RuntimeException e) {
                    LOG.error("The App Home of {} could not be published", user, e);
                }
            });
        }
        return ctx.ack();
    }

    /** Publishes again the Homes whose content changed since they were last published. */
    private void refresh() {
        List<HomeViewer> all = viewers.all();
        if (all.isEmpty()) {
            return;
        }
        HomeSources.Snapshot snapshot = sources.snapshot();
        for (HomeViewer viewer : all) {
            View view = HomeView.of(sources.of(viewer.userId(), snapshot));
            if (viewers.refreshDue(viewer, hash(view))) {
                publish(viewer.userId(), view);
            }
        }
    }

    private void publish(String user, View view) {
        outbox.publishHome(user, view);
        viewers.published(user, hash(view));
    }

    private static String hash(View view) {
        try {
            byte[] json = GsonFactory.createSnakeCase().toJson(view).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
