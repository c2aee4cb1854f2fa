package org.opsbot.commands.store;

/**
 * Whether an alert opsbot raises itself (a failed scheduled action) was last told to the alert
 * intake as firing. Changes are conditional on the state before, so of two callers that saw the
 * same change only one records it.
 */
public final class RaisedAlertStore {
    private final Database db;

    public RaisedAlertStore(Database db) {
        this.db = db;
    }

    public boolean alerting(String raisedBy) {
        return db.read(h -> h.createQuery("SELECT alerting FROM raised_alert WHERE raised_by = :by")
                .bind("by", raisedBy)
                .mapTo(Integer.class)
                .findOne()
                .map(a -> a == 1)
                .orElse(false));
    }

    /** Records {@code alerting}; returns whether it changed. */
    public boolean alerting(String raisedBy, boolean alerting) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO raised_alert (raised_by, alerting) VALUES (:by, :to)
                        ON CONFLICT (raised_by) DO UPDATE SET alerting = excluded.alerting
                        WHERE raised_alert.alerting <> excluded.alerting""")
                .bind("by", raisedBy)
                .bind("to", alerting ? 1 : 0)
                .execute() == 1);
    }
}
