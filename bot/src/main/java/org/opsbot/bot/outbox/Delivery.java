package org.opsbot.bot.outbox;

import java.time.Duration;

/** How one Web API call ended. */
sealed interface Delivery {

    /** Slack accepted it; {@code channel} and {@code ts} name the message (ts is null for ephemerals). */
    record Sent(String channel, String ts) implements Delivery {
    }

    /**
     * Try again after {@code after} (at least). {@code uncertain} means the request may have
     * reached Slack and been acted on (a timeout after it left), so a post is looked for before
     * it is made again. {@code reachedSlack} tells whether Slack answered at all;
     * {@code rateLimited} that it answered 429, so {@code after} is its Retry-After.
     */
    record Retry(Duration after, String reason, boolean uncertain, boolean reachedSlack, boolean rateLimited)
            implements Delivery {

        static Retry transientFailure(Duration after, String reason, boolean uncertain, boolean reachedSlack) {
            return new Retry(after, reason, uncertain, reachedSlack, false);
        }

        /**
         * Slack's side closed a kept-alive connection after the request was sent, before any
         * answer: a connection gone stale, almost always, so it is tried again at once (a post
         * is looked for first, as it may have arrived).
         */
        static Retry closedUnder(String reason, boolean uncertain) {
            return new Retry(Duration.ZERO, reason, uncertain, false, false);
        }

        boolean atOnce() {
            return after.isZero() && !rateLimited;
        }

        static Retry rateLimited(Duration retryAfter) {
            return new Retry(retryAfter, "rate limited by Slack (HTTP 429)", false, true, true);
        }
    }

    /** It can never succeed as it stands (unknown channel, malformed blocks, …). */
    record Failed(String reason) implements Delivery {
    }

    /**
     * The bot cannot post in {@code channel} (as the caller named it): it is not a member and
     * could not join (a private channel, {@code channels:join} not granted), or Slack knows no
     * such channel. {@code why} says which, {@code fix} what a person should do.
     */
    record NotInChannel(String channel, String why, String fix) implements Delivery {
        String reason() {
            return why + "; " + fix;
        }
    }
}
