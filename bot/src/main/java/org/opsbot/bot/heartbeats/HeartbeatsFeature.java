package org.opsbot.bot.heartbeats;

import io.helidon.webserver.http.HttpRouting;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.alert.Notification;
import org.opsbot.commands.heartbeat.Heartbeats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Heartbeats (dead-man's switches): {@code POST /heartbeats/<name>} check-ins, the
 * {@code /ops heartbeats} listing, and the lease holder's job that raises an alert for a
 * heartbeat that did not come and resolves it when it comes again.
 */
public final class HeartbeatsFeature implements SlackFeature {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatsFeature.class);

    private final Heartbeats heartbeats;
    private final Consumer<Notification> raise;
    private final HeartbeatEndpoint endpoint;

    /**
     * @param tokens the bearer tokens a check-in must carry ({@code OPSBOT_HEARTBEAT_TOKEN})
     * @param raise  hands an alert opsbot raises to the alert intake (stored, posted, escalated)
     */
    public HeartbeatsFeature(Heartbeats heartbeats, List<String> tokens, Consumer<Notification> raise) {
        this.heartbeats = heartbeats;
        this.raise = raise;
        this.endpoint = new HeartbeatEndpoint(tokens, heartbeats, this::send);
    }

    /** {@code POST /heartbeats/<name>}, for {@code OpsbotServer.Builder.routes}. */
    public void routes(HttpRouting.Builder routing) {
        endpoint.register(routing);
    }

    @Override
    public List<OpsCommand> commands() {
        return List.of(new HeartbeatsCommand(heartbeats));
    }

    /**
     * On the lease holder: whose alert must fire or resolve now. What the intake was told is
     * recorded per heartbeat after it was told, so a hand-over or a restart sends no change twice.
     */
    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(Scheduler.Job.onLeaseHolder("heartbeats", this::sendDue));
    }

    private void sendDue(Instant now) {
        for (Heartbeats.Change change : heartbeats.due()) {
            if (change.alerting()) {
                LOG.warn("Heartbeat {} of team {} missed its check-in; raising an alert", change.heartbeat().name(),
                        change.heartbeat().team());
            }
            send(change);
        }
    }

    private void send(Heartbeats.Change change) {
        raise.accept(change.notification());
        heartbeats.told(change);
    }
}
