package org.opsbot.bot.outbox;

import com.slack.api.SlackConfig;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The one way the bot configures Slack's Web API client. */
public final class SlackWebApi {
    // Idle connections kept for reuse. Load balancers and proxies close idle connections after
    // as little as 5 s (Node.js, Apache httpd) and some middleboxes forget them silently; a
    // pooled connection is dropped before that, so reuse saves handshakes while the bot is busy
    // and nothing is sent on a connection the other side may have given up on.
    static final Duration KEEP_ALIVE = Duration.ofSeconds(3);
    static final int POOLED = 8;

    private SlackWebApi() {
    }

    /**
     * A client configuration for {@code apiUrl}. The SDK's own statistics are off: they call
     * {@code auth.test} before a Web API call whenever the workspace is not known yet, which
     * doubles the calls and logs an error with a stack trace for each while Slack is
     * unreachable, and they run a background job. The bot keeps its own metrics.
     */
    public static SlackConfig config(String apiUrl) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(apiUrl);
        config.setStatsEnabled(false);
        return config;
    }

    /**
     * HTTP clients for the Web API, each call bounded by {@code timeout}, sharing one pool of
     * short-lived connections; a connection Slack's side closed under a call is handled by
     * {@link StaleConnections}.
     */
    public static Http http(Duration timeout) {
        OkHttpClient base = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(POOLED, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2))
                .build();
        StaleConnections stale = new StaleConnections(POOLED);
        OkHttpClient acting = stale.guard(base.newBuilder(), false).build();
        // No idle connection kept: each call opens its own.
        OkHttpClient actingFresh = acting.newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        return new Http(acting, actingFresh, stale.guard(base.newBuilder(), true).build());
    }

    /**
     * @param acting for calls that act and must not be repeated blindly (posting a message, an
     *               ephemeral message, sharing a file): a failure that may have come after Slack
     *               acted is reported, never retried behind the caller's back
     * @param actingFresh the same, each call on a connection of its own: for a call tried again
     *               after a failure that may have come from a pooled connection Slack's side had closed
     * @param asking for calls that may be sent twice without harm (reads, updates, joins): a
     *               connection closed under them is retried on a fresh one
     */
    public record Http(OkHttpClient acting, OkHttpClient actingFresh, OkHttpClient asking) {
    }
}
