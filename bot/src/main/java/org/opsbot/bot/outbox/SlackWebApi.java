package org.opsbot.bot.outbox;

import com.slack.api.SlackConfig;

/** The one way the bot configures Slack's Web API client. */
public final class SlackWebApi {
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
}
