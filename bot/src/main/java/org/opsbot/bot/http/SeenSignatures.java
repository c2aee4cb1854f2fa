package org.opsbot.bot.http;

import java.time.Duration;
import java.time.Instant;

/**
 * The signatures of the Slack requests {@code /slack/events} let in, so that each is let in
 * once: Slack signs every delivery anew, so a signature seen before is a captured request sent
 * again. In production a database table shared by the replicas ({@code SlackSignatureStore}),
 * so that neither another replica nor a restart forgets.
 */
@FunctionalInterface
public interface SeenSignatures {

    /**
     * How long after its timestamp a signature must be remembered: the five minutes within which
     * a timestamp is accepted, twice over, so replicas whose clocks disagree by minutes still
     * refuse a replay that one of them would accept.
     */
    Duration MEMORY = SlackSignatureVerifier.MAX_AGE.multipliedBy(2);

    /**
     * Records a delivery of the request signed {@code signature} (as verified) at
     * {@code signedAt}: true for its first delivery, false for any later one, whichever replica
     * receives it. Throws {@code StoreException} when the memory cannot be reached.
     */
    boolean firstDelivery(String signature, Instant signedAt);
}
