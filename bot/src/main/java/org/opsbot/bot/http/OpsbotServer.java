package org.opsbot.bot.http;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.opsbot.commands.config.HttpLimits;
import org.opsbot.commands.store.StoreException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * opsbot's HTTP server (Helidon SE 4): {@code POST /slack/events} (404 when Slack talks over
 * Socket Mode), {@code /health/live}, {@code /health/ready} and {@code /metrics}, plus whatever routes other parts add through
 * {@link Builder#routes}. Started by {@link Builder#start()}; port 0 picks a free port.
 */
public final class OpsbotServer implements AutoCloseable {

    /**
     * The server-wide limit, sized for alert webhooks (Alertmanager never retries a 4xx, so a
     * big batch must fit). Slack's route enforces its own, much smaller limit.
     */
    public static final long MAX_PAYLOAD_BYTES = 10L * 1024 * 1024;

    private static final String SOCKET_MODE_ANSWER = "opsbot receives Slack's requests over Socket Mode"
            + " (SLACK_APP_TOKEN is set), so /slack/events is not served\n";

    private final WebServer server;
    private final ConnectionDeadlines deadlines;

    private OpsbotServer(WebServer server, ConnectionDeadlines deadlines) {
        this.server = server;
        this.deadlines = deadlines;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fails with {@link PortInUseException} when another program listens on {@code port} (on any
     * address, as the server binds). Lets the bot stop before it opens the database or starts
     * sending, instead of finding out last, when the server binds; port 0 is always free.
     */
    public static void checkPortFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            // As Helidon binds: a port left in TIME_WAIT by an earlier run is free.
            probe.setReuseAddress(true);
            // Helidon listens on 0.0.0.0 unless told otherwise (a literal: nothing is looked up).
            probe.bind(new InetSocketAddress("0.0.0.0", port));
        } catch (BindException e) {
            throw new PortInUseException(port, e);
        } catch (IOException e) {
            // Not a port in use (e.g. no permission for a port below 1024): the server's own bind says why.
        }
    }

    /** The port actually bound, useful when started on port 0. */
    public int port() {
        return server.port();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void close() {
        server.stop();
        deadlines.close();
    }

    public static final class Builder {
        private int port = 8080;
        private App slackApp;
        private Optional<String> signingSecret = Optional.empty();
        private BooleanSupplier databaseUp;
        private Supplier<SlackStatus> slackStatus;
        private PrometheusMeterRegistry meters;
        private Clock clock = Clock.systemUTC();
        private Consumer<HttpRouting.Builder> routes = routing -> { };
        private Supplier<SocketStatus> socketStatus;
        private SeenSignatures seenSignatures;
        private Function<Request<?>, Optional<Response>> slackDatabaseDown = request -> Optional.empty();
        private HttpLimits limits = HttpLimits.DEFAULT;

        private Builder() {
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Bolt's app, from {@code org.opsbot.bot.slack.SlackApp.create}. */
        public Builder slackApp(App slackApp) {
            this.slackApp = slackApp;
            return this;
        }

        /** Empty means dry-run: {@code /slack/events} then answers 401 to everything. */
        public Builder signingSecret(Optional<String> signingSecret) {
            this.signingSecret = signingSecret;
            return this;
        }

        /**
         * The memory of the Slack requests already let in (required when {@code /slack/events}
         * is served): a signature seen before is a replay, refused with 401.
         */
        public Builder seenSignatures(SeenSignatures seenSignatures) {
            this.seenSignatures = seenSignatures;
            return this;
        }

        /**
         * The answer to a Slack request that may not run because {@link #seenSignatures} cannot
         * be reached (the database is down): as its handler would answer then. Empty, and by
         * default, a 503 with {@code Retry-After}.
         */
        public Builder slackDatabaseDown(Function<Request<?>, Optional<Response>> answer) {
            this.slackDatabaseDown = answer;
            return this;
        }

        /** The gating readiness check; should answer fast (a {@code SELECT 1} with a timeout). */
        public Builder databaseUp(BooleanSupplier databaseUp) {
            this.databaseUp = databaseUp;
            return this;
        }

        /** Reported by {@code /health/ready}, never gating. */
        public Builder slackStatus(Supplier<SlackStatus> slackStatus) {
            this.slackStatus = slackStatus;
            return this;
        }

        /** Served on {@code /metrics}; every part of the bot registers its meters here. */
        public Builder meters(PrometheusMeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /** For signature timestamps; tests may move it. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Slack talks to the bot over Socket Mode: {@code /slack/events} is then not served (404:
         * Slack has no Request URL to call, and no signing secret is needed), and
         * {@code /health/ready} reports the link's state under the Slack check.
         */
        public Builder socketMode(Supplier<SocketStatus> socketStatus) {
            this.socketStatus = socketStatus;
            return this;
        }

        /** How long slow clients are waited for, and how many connections are held at once. */
        public Builder limits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** More routes, e.g. {@code /alerts/*}; they share the 10 MiB payload limit. */
        public Builder routes(Consumer<HttpRouting.Builder> routes) {
            this.routes = routes;
            return this;
        }

        public OpsbotServer start() {
            Objects.requireNonNull(slackApp, "slackApp");
            Objects.requireNonNull(databaseUp, "databaseUp");
            Objects.requireNonNull(slackStatus, "slackStatus");
            Objects.requireNonNull(meters, "meters");
            if (socketStatus == null) {
                Objects.requireNonNull(seenSignatures, "seenSignatures");
            }
            Handler slack = socketStatus == null
                    ? new SlackEventsEndpoint(slackApp, signingSecret, clock, seenSignatures, slackDatabaseDown, meters)
                    : (req, res) -> res.status(Status.NOT_FOUND_404).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                            .send(SOCKET_MODE_ANSWER);
            HealthService health = new HealthService(databaseUp, slackStatus, Optional.ofNullable(socketStatus));
            PrometheusMeterRegistry registry = meters;
            Consumer<HttpRouting.Builder> extra = routes;
            ConnectionDeadlines deadlines = new ConnectionDeadlines(limits);
            WebServer server = WebServer.builder()
                    .port(port)
                    .maxPayloadSize(MAX_PAYLOAD_BYTES)
                    .maxTcpConnections(limits.maxConnections())
                    .connectionOptions(deadlines.socketOptions())
                    .addProtocol(Http1Config.builder()
                            .addReceiveListener(deadlines.receiving())
                            .addSendListener(deadlines.sending())
                            .build())
                    // Only the routes below: no auto-discovered /observe/* endpoints.
                    .featuresDiscoverServices(false)
                    .routing(routing -> {
                        routing.addFilter(new AccessLog())
                                .error(StoreException.class, new StoreErrors())
                                .post("/slack/events", slack)
                                .register("/health", health)
                                .get("/metrics", (req, res) -> res
                                        .header(HeaderValues.create("Content-Type",
                                                "text/plain; version=0.0.4; charset=utf-8"))
                                        .send(registry.scrape().getBytes(StandardCharsets.UTF_8)));
                        extra.accept(routing);
                    })
                    .build()
                    .start();
            if (!server.isRunning()) {
                // Helidon logs why and returns a stopped server rather than throwing.
                deadlines.close();
                checkPortFree(port);
                throw new IllegalStateException("the HTTP server could not start on port " + port
                        + " (the reason is logged above)");
            }
            return new OpsbotServer(server, deadlines);
        }
    }
}
