package org.opsbot.commands.store;

import java.time.Clock;
import java.util.Optional;

/**
 * The hashes of calendar-feed tokens. The tokens themselves are never stored: whoever reads the
 * database cannot subscribe to anyone's calendar.
 */
public final class CalendarTokenStore {
    private final Database db;
    private final Clock clock;

    public CalendarTokenStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void add(String subject, String tokenHash, String createdBy) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO calendar_token (subject, token_hash, created_by, created_at)
                        VALUES (:subject, :hash, :by, :now)""")
                .bind("subject", subject)
                .bind("hash", tokenHash)
                .bind("by", createdBy)
                .bind("now", clock.millis())
                .execute());
    }

    /** The subject of a token that is not revoked. */
    public Optional<String> subject(String tokenHash) {
        return db.read(h -> h.createQuery("""
                        SELECT subject FROM calendar_token WHERE token_hash = :hash AND revoked_at IS NULL""")
                .bind("hash", tokenHash)
                .mapTo(String.class)
                .findOne());
    }

    /** Revokes every token of {@code subject}; how many were live. */
    public int revokeAll(String subject) {
        return db.write(h -> h.createUpdate("""
                        UPDATE calendar_token SET revoked_at = :now WHERE subject = :subject AND revoked_at IS NULL""")
                .bind("subject", subject)
                .bind("now", clock.millis())
                .execute());
    }
}
