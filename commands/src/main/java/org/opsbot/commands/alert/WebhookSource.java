package org.opsbot.commands.alert;

/**
 * An alert source that is sent to opsbot over HTTP: the bot serves {@link #path()} for each one
 * {@link AlertSources#webhooks()} lists, behind the webhook token.
 */
public interface WebhookSource extends AlertSource {

    /** Where the bot serves it: {@code /alerts/<key>}. */
    default String path() {
        return "/alerts/" + key();
    }

    /**
     * Reads a body: every alert that could be read, and a {@link Rejection} for each that could
     * not (it costs only itself; see {@link WebhookParser} for the strict readers to use).
     *
     * @throws WebhookParser.BadBodyException only when the body as a whole is not this source's
     *                                        webhook (not JSON, no list of alerts)
     */
    Notification parse(byte[] body) throws WebhookParser.BadBodyException;
}
