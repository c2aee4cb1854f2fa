package org.opsbot.commands.store;

import java.time.Instant;

/**
 * The signatures of the Slack requests already let in, so that a request captured on its way
 * and sent again is refused: by every replica, and after a restart.
 *
 * <p>A signature is the HMAC of a request's timestamp and body, so it names one request; Slack
 * signs every delivery anew (an Events API retry has a new timestamp), so the same signature
 * twice is never Slack. A signature is only accepted within minutes of its timestamp: rows
 * older than that are {@link #forgetSignedBefore forgotten}.
 */
public final class SlackSignatureStore {
    private final Database db;

    public SlackSignatureStore(Database db) {
        this.db = db;
    }

    /**
     * Records the delivery of a request signed {@code signature} at {@code signedAt}: true for
     * the first, false for every later one, also when two replicas get it at the same moment
     * (one INSERT against the primary key decides, not a read before it).
     */
    public boolean firstDelivery(String signature, Instant signedAt) {
        int inserted = db.write(h -> h.createUpdate("""
                        INSERT INTO slack_signature (signature, signed_at) VALUES (:signature, :signedAt)
                        ON CONFLICT (signature) DO NOTHING""")
                .bind("signature", signature)
                .bind("signedAt", signedAt.toEpochMilli())
                .execute());
        return inserted == 1;
    }

    /** Forgets the signatures of requests signed before {@code cutoff}; returns how many. */
    public int forgetSignedBefore(Instant cutoff) {
        return db.write(h -> h.createUpdate("DELETE FROM slack_signature WHERE signed_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli())
                .execute());
    }
}
